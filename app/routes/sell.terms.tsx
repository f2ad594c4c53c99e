// The seller's credit terms (账期, issue #18, ADR 0056): which buyer orgs may order on terms, how many days and up to
// what limit, what each owes now; a buyer is chosen with a plain GET, which shows the suggestion from its record.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { FieldError, FormAlert, SubmitButton, inputClass } from '~/components/forms';
import { Badge, Card, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { buyerCandidates } from '~/b2b/price-lists.server';
import { termsStep } from '~/b2b/route-helpers.server';
import { TERMS_NET_DAYS } from '~/b2b/terms-rules';
import { grantTerms, parseTermsForm, revokeTerms, sellerTerms, suggestTerms } from '~/b2b/terms.server';
import { requireOrgKind, roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { formatMoney } from '~/lib/money';
import { redirectWithToast } from '~/lib/toast.server';

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'terms.seller.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both']);
  const sellerOrgId = viewer.activeOrg.orgId;
  const url = new URL(request.url);
  const q = url.searchParams.get('q') ?? '';
  const chosen = url.searchParams.get('buyer') ?? '';
  const [rows, candidates] = await Promise.all([
    sellerTerms(db, sellerOrgId),
    buyerCandidates(db, sellerOrgId, q),
  ]);
  const buyer = chosen
    ? (candidates.find((c) => c.id === chosen) ??
      (await buyerCandidates(db, sellerOrgId, '')).find((c) => c.id === chosen))
    : undefined;
  const current = rows.find((row) => row.buyerOrgId === chosen && !row.revoked) ?? null;
  const suggestion = buyer ? await suggestTerms(db, buyer.id) : null;
  return json({
    rows,
    candidates,
    q,
    buyer: buyer ?? null,
    current,
    suggestion,
    canAct: roleAtLeast(viewer.activeOrg.role, 'admin'),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both'], 'admin');
  const form = await readFormData(request);
  const values = formValues(form);
  const sellerOrgId = viewer.activeOrg.orgId;
  if (values.intent === 'revoke') {
    const result = await termsStep(values, () =>
      db.transaction((tx) => revokeTerms(tx, { sellerOrgId, termsId: values.termsId ?? '' })),
    );
    if (!result.ok) return result.response;
    return redirectWithToast('/sell/terms', 'terms.toast.revoked');
  }
  if (values.intent !== 'grant') return formError({ form: 'errors.invalid' }, values);
  const parsed = parseTermsForm(form);
  if (!parsed.ok) return formError(parsed.errors, values);
  const result = await termsStep(values, () =>
    db.transaction((tx) => grantTerms(tx, { ...parsed, sellerOrgId, userId: viewer.user.id })),
  );
  if (!result.ok) return result.response;
  return redirectWithToast('/sell/terms', 'terms.toast.granted');
}

export default function SellerTerms() {
  const { rows, candidates, q, buyer, current, suggestion, canAct } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const money = (fen: number) => formatMoney(fen, 'CNY', locale);
  const errors: Record<string, string> = failed && 'errors' in failed ? failed.errors : {};
  const values: Record<string, string> = failed && 'values' in failed ? failed.values : {};
  const buyerId = values.buyerOrgId ?? buyer?.id ?? '';
  const netDefault = values.netDays ?? String(current?.netDays ?? suggestion?.netDays ?? 15);
  const limitDefault =
    values.limit ??
    (current
      ? String(current.limitFen / 100)
      : suggestion?.limitFen
        ? String(suggestion.limitFen / 100)
        : '');
  return (
    <div className="space-y-6">
      <div>
        <PageHeader title={t('terms.seller.title')}>
          <Link to="/statements?side=seller" className="text-sm font-medium text-sea-800 underline">
            {t('terms.statement.link')}
          </Link>
        </PageHeader>
        <p className="-mt-4 mb-4 text-sm text-slate-600">{t('terms.seller.lead')}</p>
        <FormAlert error={errors.form} />
        {rows.length === 0 ? (
          <EmptyState>{t('terms.seller.empty')}</EmptyState>
        ) : (
          <TableScroll label={t('terms.seller.title')}>
            <table className="w-full min-w-[36rem] text-left text-sm">
              <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
                <tr>
                  <th scope="col" className="px-3 py-2 whitespace-nowrap">
                    {t('terms.col.buyer')}
                  </th>
                  <th scope="col" className="px-3 py-2 whitespace-nowrap">
                    {t('terms.col.days')}
                  </th>
                  <th scope="col" className="px-3 py-2 text-right">
                    {t('terms.col.limit')}
                  </th>
                  <th scope="col" className="px-3 py-2 text-right">
                    {t('terms.col.owed')}
                  </th>
                  <th scope="col" className="px-3 py-2 text-right">
                    {t('terms.col.available')}
                  </th>
                  <th scope="col" className="px-3 py-2 whitespace-nowrap">
                    {t('terms.col.status')}
                  </th>
                  {canAct ? (
                    <th scope="col" className="px-3 py-2">
                      <span className="sr-only">{t('terms.col.actions')}</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 bg-white">
                {rows.map((row) => (
                  <tr key={row.id}>
                    <th scope="row" className="px-3 py-2 font-medium whitespace-nowrap text-slate-900">
                      {row.buyerName}
                      {row.creditScore !== null ? (
                        <span className="ml-2 text-xs font-normal text-slate-500">
                          {t('terms.col.score', { score: row.creditScore })}
                        </span>
                      ) : null}
                    </th>
                    <td className="px-3 py-2 whitespace-nowrap">{t('terms.days', { days: row.netDays })}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{money(row.limitFen)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{money(row.owedFen)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">
                      {money(Math.max(0, row.limitFen - row.owedFen))}
                    </td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      {row.revoked ? (
                        <Badge>{t('terms.status.revoked')}</Badge>
                      ) : row.overdueOrders > 0 ? (
                        <Badge tone="red">{t('terms.status.overdue', { n: row.overdueOrders })}</Badge>
                      ) : (
                        <Badge tone="green">{t('terms.status.active')}</Badge>
                      )}
                    </td>
                    {canAct ? (
                      <td className="px-3 py-2 whitespace-nowrap">
                        <Link to={`?buyer=${row.buyerOrgId}#grant`} className="mr-3 text-sea-800 underline">
                          {row.revoked ? t('terms.action.grantAgain') : t('terms.action.change')}
                          <span className="sr-only"> {row.buyerName}</span>
                        </Link>
                        {row.revoked ? null : (
                          <Form method="post" className="inline">
                            <input type="hidden" name="termsId" value={row.id} />
                            <button
                              type="submit"
                              name="intent"
                              value="revoke"
                              className="text-red-700 underline"
                              aria-label={t('terms.action.revokeFor', { buyer: row.buyerName })}
                            >
                              {t('terms.action.revoke')}
                            </button>
                          </Form>
                        )}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </div>

      {canAct ? (
        <Card title={t('terms.grant.title')}>
          <div id="grant" className="space-y-4">
            <Form method="get" className="flex flex-wrap items-end gap-3">
              <div className="min-w-48 flex-1">
                <label htmlFor="terms-q" className="block text-sm font-medium text-slate-700">
                  {t('terms.grant.search')}
                </label>
                <input id="terms-q" name="q" defaultValue={q} className={`${inputClass} border-slate-300`} />
              </div>
              <div className="min-w-48 flex-1">
                <label htmlFor="terms-buyer" className="block text-sm font-medium text-slate-700">
                  {t('terms.grant.buyer')}
                </label>
                <select
                  id="terms-buyer"
                  name="buyer"
                  defaultValue={buyerId}
                  className={`${inputClass} border-slate-300`}
                >
                  <option value="">{t('terms.grant.chooseBuyer')}</option>
                  {candidates.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                      {c.city ? ` · ${c.city}` : ''}
                    </option>
                  ))}
                </select>
              </div>
              <button
                type="submit"
                className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
              >
                {t('terms.grant.show')}
              </button>
            </Form>
            {candidates.length === 0 ? (
              <p className="text-sm text-slate-600">{t('terms.grant.noCandidates')}</p>
            ) : null}

            {buyer && suggestion ? (
              <Form method="post" className="space-y-4 border-t border-slate-100 pt-4">
                <input type="hidden" name="buyerOrgId" value={buyer.id} />
                <h3 className="text-base font-semibold text-slate-900">{buyer.name}</h3>
                <p className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700" role="note">
                  {suggestion.netDays
                    ? t('terms.suggest.yes', {
                        score: suggestion.score ?? 0,
                        orders: suggestion.completedOrders,
                        spend: money(suggestion.spend90Fen),
                        days: suggestion.netDays,
                        limit: money(suggestion.limitFen ?? 0),
                      })
                    : t('terms.suggest.no', {
                        score: suggestion.score ?? 0,
                        orders: suggestion.completedOrders,
                      })}
                </p>
                <fieldset>
                  <legend className="block text-sm font-medium text-slate-700">
                    {t('terms.grant.netDays')}
                  </legend>
                  <div className="mt-1 flex flex-wrap gap-4">
                    {TERMS_NET_DAYS.map((days) => (
                      <label key={days} className="inline-flex items-center gap-2 text-sm">
                        <input
                          type="radio"
                          name="netDays"
                          value={days}
                          defaultChecked={netDefault === String(days)}
                        />
                        {t('terms.days', { days })}
                      </label>
                    ))}
                  </div>
                  <FieldError name="netDays" error={errors.netDays} />
                </fieldset>
                <div className="max-w-xs">
                  <label htmlFor="terms-limit" className="block text-sm font-medium text-slate-700">
                    {t('terms.grant.limit')}
                  </label>
                  <input
                    id="terms-limit"
                    name="limit"
                    inputMode="decimal"
                    defaultValue={limitDefault}
                    aria-invalid={errors.limit ? true : undefined}
                    aria-describedby={errors.limit ? 'limit-error terms-limit-hint' : 'terms-limit-hint'}
                    className={`${inputClass} ${errors.limit ? 'border-red-500' : 'border-slate-300'}`}
                  />
                  <p id="terms-limit-hint" className="mt-1 text-xs text-slate-500">
                    {t('terms.grant.limitHint')}
                  </p>
                  <FieldError name="limit" error={errors.limit} />
                </div>
                <FieldError name="buyerOrgId" error={errors.buyerOrgId} />
                <SubmitButton intent="grant">
                  {current ? t('terms.grant.update') : t('terms.grant.submit')}
                </SubmitButton>
              </Form>
            ) : null}
          </div>
        </Card>
      ) : null}
    </div>
  );
}
