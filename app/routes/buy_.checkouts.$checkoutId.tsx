// What "order all" of a requisition list made: the orders (one per lot, any sellers), their total to pay together,
// each order's pay step, and the lines that were not bought with the reason.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { listingTitle } from '~/components/listing-form';
import { OrderStatusBadge } from '~/components/order-timeline';
import { Card, PageHeader, TableScroll } from '~/components/ui';
import { checkoutOfOrg } from '~/b2b/repeat.server';
import { requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { notFound } from '~/lib/http.server';
import { storedKey, useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { type Currency, formatMoney } from '~/lib/money';
import { type QuantityUnit, unitLabel } from '~/lib/units';
import { shortOrderId } from '~/orders/pages.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both']);
  const checkout = await checkoutOfOrg(db, params.checkoutId ?? '', viewer.activeOrg.orgId);
  if (!checkout) throw notFound();
  const currency = (checkout.lines.find((l) => l.order)?.order?.currency ?? 'CNY') as Currency;
  return json({
    ...checkout,
    currency,
    lines: checkout.lines.map((l) => ({ ...l, shortId: l.orderId ? shortOrderId(l.orderId) : null })),
  });
}

export default function CheckoutSummary() {
  const { lines, toPayFen, currency, listId } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const unitLocale = locale === 'en' ? 'en' : 'zh-CN';
  const ordered = lines.filter((l) => l.order);
  const refused = lines.filter((l) => !l.order);
  return (
    <div>
      <PageHeader title={t('repeat.checkout.title')}>
        {listId ? (
          <Link
            to={`/buy/lists/${listId}`}
            className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium"
          >
            {t('repeat.checkout.back')}
          </Link>
        ) : null}
      </PageHeader>
      <p className="-mt-4 mb-4 text-sm text-slate-600">{t('repeat.checkout.lead')}</p>
      <Card>
        <p className="text-lg font-semibold" data-testid="checkout-total">
          {t('repeat.checkout.total')}: {formatMoney(toPayFen, currency, locale)}
        </p>
      </Card>
      {ordered.length === 0 ? (
        <p className="mt-4 text-sm text-slate-600">{t('repeat.checkout.none')}</p>
      ) : (
        <TableScroll label={t('repeat.checkout.title')} className="mt-4">
          <table className="min-w-full text-left text-sm" data-testid="checkout-orders">
            <thead className="bg-slate-50 text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t('repeat.checkout.order')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('repeat.list.lot')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('repeat.list.seller')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('repeat.checkout.amount')}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t('repeat.list.status')}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {ordered.map((line) =>
                line.order ? (
                  <tr key={line.order.id}>
                    <td className="px-3 py-2">
                      <Link to={`/orders/${line.order.id}`} className="font-mono text-sea-800 underline">
                        {line.shortId}
                      </Link>
                    </td>
                    <td className="px-3 py-2">
                      {line.lot ? listingTitle(line.lot, locale) : line.listingId}
                    </td>
                    <td className="px-3 py-2">{line.order.sellerName}</td>
                    <td className="px-3 py-2 tabular-nums">
                      {formatMoney(
                        line.order.subtotalFen - line.order.depositAppliedFen,
                        line.order.currency as Currency,
                        locale,
                      )}
                    </td>
                    <td className="px-3 py-2">
                      <span className="flex flex-wrap items-center gap-2">
                        <OrderStatusBadge status={line.order.status} />
                        {line.order.status === 'pending_payment' ? (
                          <Link to={`/orders/${line.order.id}`} className="text-sea-700 underline">
                            {t('repeat.checkout.pay')}
                          </Link>
                        ) : null}
                      </span>
                    </td>
                  </tr>
                ) : null,
              )}
            </tbody>
          </table>
        </TableScroll>
      )}
      {refused.length > 0 ? (
        <Card title={t('repeat.checkout.refused')} className="mt-4">
          <ul className="space-y-1 text-sm" data-testid="checkout-refused">
            {refused.map((line) => (
              <li key={line.listingId}>
                <Link to={`/market/${line.listingId}`} className="font-medium text-sea-800 underline">
                  {line.lot ? listingTitle(line.lot, locale) : line.listingId}
                </Link>{' '}
                ({line.quantity} {unitLabel(line.unit as QuantityUnit, unitLocale)}):{' '}
                <span className="text-red-700">{t(storedKey(line.error ?? 'errors.invalid'))}</span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'repeat.checkout.title');
