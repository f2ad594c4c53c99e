// Requisition lists (常购清单): the buyer org's lists, sortable, and a form to start a new one.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FormAlert, SubmitButton } from '~/components/forms';
import { formatTime } from '~/components/notification';
import { Card, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { LIST_SORTS, type ListSort, createList, createListSchema, listsOf } from '~/b2b/repeat.server';
import { requireOrgKind, roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, parseForm, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';

function sortOf(url: URL): ListSort {
  const asked = url.searchParams.get('sort');
  return LIST_SORTS.find((s) => s === asked) ?? 'updated';
}

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both']);
  const sort = sortOf(new URL(request.url));
  const lists = await listsOf(db, viewer.activeOrg.orgId, sort);
  return json({ lists, sort, canEdit: roleAtLeast(viewer.activeOrg.role, 'trader') });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both'], 'trader');
  const formData = await readFormData(request);
  const parsed = parseForm(formData, createListSchema);
  if (!parsed.ok) return formError(parsed.errors, parsed.values);
  const listId = await createList({
    buyerOrgId: viewer.activeOrg.orgId,
    actorUserId: viewer.user.id,
    name: parsed.data.name,
  });
  return redirectWithToast(`/buy/lists/${listId}`, 'repeat.lists.toast.created');
}

export default function RequisitionLists() {
  const { lists, sort, canEdit } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errors: Record<string, string | undefined> = failed?.errors ?? {};
  const header = (key: ListSort, label: string) => (
    <th
      scope="col"
      className="px-3 py-2"
      aria-sort={sort === key ? (key === 'name' ? 'ascending' : 'descending') : undefined}
    >
      <Link to={`/buy/lists?sort=${key}`} className="underline">
        {label}
      </Link>
    </th>
  );
  return (
    <div>
      <PageHeader title={t('repeat.lists.title')}>
        <Link
          to="/buy/standing"
          className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium"
        >
          {t('repeat.lists.standing')}
        </Link>
      </PageHeader>
      <p className="-mt-4 mb-4 text-sm text-slate-600">{t('repeat.lists.lead')}</p>
      {lists.length === 0 ? (
        <EmptyState>{t('repeat.lists.empty')}</EmptyState>
      ) : (
        <TableScroll label={t('repeat.lists.title')}>
          <table className="min-w-full text-left text-sm" data-testid="requisition-lists">
            <thead className="bg-slate-50 text-slate-600">
              <tr>
                {header('name', t('repeat.lists.name'))}
                {header('lines', t('repeat.lists.lines'))}
                {header('updated', t('repeat.lists.updated'))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {lists.map((list) => (
                <tr key={list.id}>
                  <td className="px-3 py-2">
                    <Link to={`/buy/lists/${list.id}`} className="font-medium text-sea-800 underline">
                      {list.name}
                    </Link>
                  </td>
                  <td className="px-3 py-2 tabular-nums">{list.lines}</td>
                  <td className="px-3 py-2">
                    <time dateTime={list.updatedAt}>{formatTime(list.updatedAt, locale)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {canEdit ? (
        <Card title={t('repeat.lists.create')} className="mt-6 max-w-md">
          <Form method="post" className="space-y-3">
            <FormAlert error={errors.form} />
            <Field
              name="name"
              label={t('repeat.lists.name')}
              error={errors.name}
              defaultValue={failed?.values.name}
              required
            />
            <SubmitButton>{t('repeat.lists.create')}</SubmitButton>
          </Form>
        </Card>
      ) : null}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'repeat.lists.title');
