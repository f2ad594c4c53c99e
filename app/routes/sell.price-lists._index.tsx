// The seller's price lists (协议价目表, issue #18): every list of the active org with its validity, buyers and rules,
// sorted and paged, and the buyer groups it keeps.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { FormAlert } from '~/components/forms';
import { validityText } from '~/components/price-list-parts';
import { Pager } from '~/components/pager';
import { Badge, Card, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import {
  deleteBuyerGroup,
  priceListSortOf,
  sellerBuyerGroups,
  sellerPriceLists,
} from '~/b2b/price-lists.server';
import { priceListStep } from '~/b2b/route-helpers.server';
import { pageOf } from '~/farming/pages.server';
import { requireOrgKind, roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, readFormData } from '~/lib/forms.server';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both']);
  const url = new URL(request.url);
  const page = pageOf(url.searchParams.get('page'));
  const sort = priceListSortOf(url.searchParams.get('sort'));
  const [{ rows, hasMore }, groups] = await Promise.all([
    sellerPriceLists(db, viewer.activeOrg.orgId, page, sort),
    sellerBuyerGroups(db, viewer.activeOrg.orgId),
  ]);
  return json({ rows, hasMore, page, sort, groups, canAct: roleAtLeast(viewer.activeOrg.role, 'trader') });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both'], 'trader');
  const values = formValues(await readFormData(request));
  if (values.intent !== 'deleteGroup') return formError({ form: 'errors.invalid' }, values);
  const result = await priceListStep(values, () =>
    db.transaction((tx) =>
      deleteBuyerGroup(tx, { groupId: values.groupId ?? '', sellerOrgId: viewer.activeOrg.orgId }),
    ),
  );
  if (!result.ok) return result.response;
  return redirectWithToast('/sell/price-lists', 'b2b.toast.groupDeleted');
}

export default function SellerPriceLists() {
  const { rows, hasMore, page, sort, groups, canAct } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const newButton = canAct ? (
    <Link
      to="/sell/price-lists/new"
      className="inline-flex items-center rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
    >
      + {t('b2b.list.new')}
    </Link>
  ) : null;
  const sortHeader = (key: 'name' | 'validTo' | 'newest', label: string) => (
    <th
      scope="col"
      className="px-3 py-2"
      aria-sort={sort === key ? (key === 'newest' ? 'descending' : 'ascending') : undefined}
    >
      <Link to={`?sort=${key}`} className="underline">
        {label}
      </Link>
    </th>
  );
  return (
    <div className="space-y-6">
      <div>
        <PageHeader title={t('b2b.list.title')}>{newButton}</PageHeader>
        <p className="-mt-4 mb-4 text-sm text-slate-600">{t('b2b.list.lead')}</p>
        {rows.length === 0 ? (
          <EmptyState action={newButton}>{page > 1 ? t('market.pastEnd') : t('b2b.list.empty')}</EmptyState>
        ) : (
          <TableScroll label={t('b2b.list.title')}>
            <table
              className="min-w-full divide-y divide-slate-200 bg-white text-sm"
              data-testid="price-lists"
            >
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr>
                  {sortHeader('name', t('b2b.list.name'))}
                  {sortHeader('validTo', t('b2b.list.validity'))}
                  <th scope="col" className="px-3 py-2">
                    {t('b2b.list.buyers')}
                  </th>
                  <th scope="col" className="px-3 py-2">
                    {t('b2b.list.rules')}
                  </th>
                  {sortHeader('newest', t('b2b.list.status'))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((list) => (
                  <tr key={list.id}>
                    <td className="px-3 py-2">
                      <Link
                        to={`/sell/price-lists/${list.id}`}
                        className="font-medium text-sea-700 underline"
                      >
                        {list.name}
                      </Link>
                    </td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      {validityText(t, list.validFrom, list.validTo)}
                    </td>
                    <td className="px-3 py-2">{list.buyers}</td>
                    <td className="px-3 py-2">{list.rules}</td>
                    <td className="px-3 py-2">
                      {list.active ? (
                        <Badge tone="green">{t('b2b.list.active')}</Badge>
                      ) : (
                        <Badge>{t('b2b.list.inactive')}</Badge>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <Pager page={page} hasMore={hasMore} hrefFor={(p) => `/sell/price-lists?sort=${sort}&page=${p}`} />
      </div>

      <Card title={t('b2b.groups.title')}>
        <p className="mb-3 text-sm text-slate-600">{t('b2b.groups.lead')}</p>
        {groups.length === 0 ? (
          <p className="text-sm text-slate-600">{t('b2b.groups.empty')}</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm" data-testid="buyer-groups">
            {groups.map((group) => (
              <li key={group.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  <span className="font-medium">{group.name}</span>
                  <span className="text-slate-600"> · {group.members.join('、')}</span>
                </span>
                {canAct ? (
                  <Form method="post">
                    <input type="hidden" name="groupId" value={group.id} />
                    <button
                      type="submit"
                      name="intent"
                      value="deleteGroup"
                      aria-label={t('b2b.groups.deleteNamed', { name: group.name })}
                      className="text-sm text-red-700 underline"
                    >
                      {t('b2b.groups.delete')}
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        <FormAlert error={failed?.errors?.form} />
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'b2b.list.title');
