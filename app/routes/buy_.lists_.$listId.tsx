// One requisition list (常购清单): its lots and quantities (change, remove, buy weekly), and "order all" — one order
// per line through buy now, a line that cannot be bought reported without holding up the others.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { FormAlert, SubmitButton, inputClass } from '~/components/forms';
import { listingTitle } from '~/components/listing-form';
import { Card, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import {
  RepeatError,
  changeLine,
  checkoutList,
  deleteList,
  lineIdSchema,
  linesOf,
  listOfOrg,
  newCheckoutToken,
  removeLine,
  saveLineSchema,
} from '~/b2b/repeat.server';
import { requireOrgKind, roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, parseForm, readFormData } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';
import { type KeyIn, storedKey, useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { type QuantityUnit, unitLabel } from '~/lib/units';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both']);
  const list = await listOfOrg(db, params.listId ?? '', viewer.activeOrg.orgId);
  if (!list) throw notFound();
  const canEdit = roleAtLeast(viewer.activeOrg.role, 'trader');
  return json({
    list: { id: list.id, name: list.name },
    lines: await linesOf(db, list.id),
    canEdit,
    // One token per rendering of the page: posting the same "order all" twice makes its orders once.
    checkoutToken: canEdit ? newCheckoutToken() : null,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both'], 'trader');
  const buyerOrgId = viewer.activeOrg.orgId;
  const list = await listOfOrg(db, params.listId ?? '', buyerOrgId);
  if (!list) throw notFound();
  const formData = await readFormData(request);
  const values = formValues(formData);
  const intent = formData.get('intent');
  try {
    if (intent === 'checkout') {
      const checkoutId = await checkoutList({
        buyerOrgId,
        actorUserId: viewer.user.id,
        listId: list.id,
        token: String(formData.get('token') ?? ''),
      });
      return redirect(`/buy/checkouts/${checkoutId}`);
    }
    if (intent === 'delete') {
      await deleteList({ buyerOrgId, listId: list.id });
      return redirectWithToast('/buy/lists', 'repeat.list.toast.deleted');
    }
    if (intent === 'remove') {
      const parsed = parseForm(formData, lineIdSchema);
      if (!parsed.ok) return formError(parsed.errors, parsed.values);
      await removeLine({ buyerOrgId, listId: list.id, lineId: parsed.data.lineId });
      return redirectWithToast(`/buy/lists/${list.id}`, 'repeat.list.toast.removed');
    }
    const parsed = parseForm(formData, saveLineSchema);
    if (!parsed.ok) return formError(parsed.errors, parsed.values);
    await changeLine({ buyerOrgId, listId: list.id, ...parsed.data });
    return redirectWithToast(`/buy/lists/${list.id}`, 'repeat.list.toast.saved');
  } catch (error) {
    if (!(error instanceof RepeatError)) throw error;
    if (error.status === 404) throw notFound();
    return formError({ [error.field]: error.messageKey }, values, error.status);
  }
}

export default function RequisitionList() {
  const { list, lines, canEdit, checkoutToken } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const unitLocale = locale === 'en' ? 'en' : 'zh-CN';
  const failedLine = failed?.values.lineId;
  return (
    <div>
      <Link to="/buy/lists" className="text-sm text-sea-700 underline">
        ← {t('repeat.list.back')}
      </Link>
      <PageHeader title={list.name} />
      {failed && !failedLine ? (
        <div className="mb-4">
          <FormAlert
            error={failed.errors.form ?? failed.errors.quantity ?? Object.values(failed.errors)[0]}
          />
        </div>
      ) : null}
      {lines.length === 0 ? (
        <EmptyState
          action={
            <Link to="/market" className="text-sea-700 underline">
              {t('nav.market')}
            </Link>
          }
        >
          {t('repeat.list.empty')}
        </EmptyState>
      ) : (
        <TableScroll label={list.name}>
          <table className="min-w-full text-left text-sm" data-testid="requisition-lines">
            <thead className="bg-slate-50 text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t('repeat.list.lot')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('repeat.list.seller')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('repeat.list.quantity')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('repeat.list.actions')}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {lines.map((line) => {
                const mine = failedLine === line.id ? failed : null;
                return (
                  <tr key={line.id}>
                    <td className="px-3 py-2">
                      <Link to={`/market/${line.listingId}`} className="font-medium text-sea-800 underline">
                        {listingTitle(line, locale)}
                      </Link>
                      {line.status !== 'live' ? (
                        <span className="ml-2 text-xs text-amber-700">
                          {t(`listing.status.${line.status}` as KeyIn<'listing.status'>)}
                        </span>
                      ) : null}
                    </td>
                    <td className="px-3 py-2">{line.sellerName}</td>
                    <td className="px-3 py-2">
                      {canEdit ? (
                        <Form method="post" className="flex flex-wrap items-center gap-2">
                          <input type="hidden" name="lineId" value={line.id} />
                          <input
                            name="quantity"
                            aria-label={t('repeat.list.quantity')}
                            inputMode="decimal"
                            defaultValue={mine?.values.quantity ?? line.quantity}
                            aria-invalid={mine?.errors.quantity ? true : undefined}
                            className={`${inputClass} mt-0 w-24 border-slate-300`}
                          />
                          <span>{unitLabel(line.unit as QuantityUnit, unitLocale)}</span>
                          <input type="hidden" name="unit" value={line.unit} />
                          <SubmitButton intent="save" variant="secondary">
                            {t('repeat.list.save')}
                          </SubmitButton>
                          {mine ? (
                            <p role="alert" className="w-full text-sm text-red-600">
                              {t(storedKey(mine.errors.quantity ?? mine.errors.form ?? 'errors.invalid'))}
                            </p>
                          ) : null}
                        </Form>
                      ) : (
                        <span className="tabular-nums">
                          {line.quantity} {unitLabel(line.unit as QuantityUnit, unitLocale)}
                        </span>
                      )}
                    </td>
                    <td className="px-3 py-2">
                      {canEdit ? (
                        <div className="flex flex-wrap items-center gap-2">
                          <Link
                            to={`/buy/lists/add?${new URLSearchParams({ listing: line.listingId, quantity: line.quantity, unit: line.unit })}`}
                            className="text-sea-700 underline"
                          >
                            {t('repeat.list.weekly')}
                          </Link>
                          <Form method="post">
                            <input type="hidden" name="lineId" value={line.id} />
                            <SubmitButton intent="remove" variant="danger">
                              {t('repeat.list.remove')}
                            </SubmitButton>
                          </Form>
                        </div>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      )}
      {canEdit && checkoutToken ? (
        <div className="mt-6 grid gap-4 md:grid-cols-2">
          {lines.length > 0 ? (
            <Card title={t('repeat.list.checkout')}>
              <Form method="post" className="space-y-3" data-testid="checkout-all">
                <input type="hidden" name="token" value={checkoutToken} />
                <p className="text-sm text-slate-600">{t('repeat.list.checkoutHint')}</p>
                <SubmitButton intent="checkout">{t('repeat.list.checkout')}</SubmitButton>
              </Form>
            </Card>
          ) : null}
          <Card title={t('repeat.list.delete')}>
            <Form method="post">
              <SubmitButton intent="delete" variant="danger">
                {t('repeat.list.delete')}
              </SubmitButton>
            </Form>
          </Card>
        </div>
      ) : null}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, 'repeat.lists.title', data?.list.name);
