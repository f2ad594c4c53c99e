// Buy now: the lot with its buy box (a confirmation step, and where a refused order shows why), and placing the order.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { BuyBox } from '~/components/buy-box';
import { listingTitle, localName } from '~/components/listing-form';
import { Card, PageHeader } from '~/components/ui';
import { requireActiveOrg } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { env } from '~/lib/env.server';
import { formError, formValues, parseForm, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { formatQuantity } from '~/lib/units';
import { buyerRefusal, lotForBuying } from '~/orders/pages.server';
import { buySchema, newBuyToken, placeBuyNow } from '~/orders/orders.server';
import { quoteBuy } from '~/orders/pricing';
import { notFound } from '~/lib/http.server';
import { placedToast } from '~/b2b/approvals.server';
import { tiersForBuyer } from '~/b2b/price-lists.server';
import { termsForBuyBox } from '~/b2b/terms.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireActiveOrg(request);
  const url = new URL(request.url);
  const lot = await lotForBuying(db, url.searchParams.get('listingId') ?? '');
  if (!lot) throw notFound();
  const blockedReason =
    buyerRefusal(viewer.activeOrg) ??
    (lot.sellerOrgId === viewer.activeOrg.orgId
      ? 'orders.errors.ownLot'
      : lot.status !== 'live'
        ? 'orders.errors.notOnSale'
        : lot.saleMode !== 'fixed'
          ? 'orders.errors.notFixedPrice'
          : null);
  // A link from the market may carry the quantity the buyer already typed there.
  const prefill: Record<string, string> = {};
  for (const key of ['quantity', 'unit'] as const) {
    const value = url.searchParams.get(key);
    if (value) prefill[key] = value.slice(0, 32);
  }
  const terms = blockedReason ? null : await termsForBuyBox(db, lot.sellerOrgId, viewer.activeOrg.orgId);
  // The buyer's own price (price lists, ADR 0051) as on the lot page: orders are placed at it, so the box shows it.
  const { spec, categoryId, ...shown } = lot;
  const priced = blockedReason
    ? null
    : await tiersForBuyer(
        db,
        viewer.activeOrg.orgId,
        { id: lot.id, sellerOrgId: lot.sellerOrgId, categoryId, spec },
        lot.tiers,
        new Date(),
      );
  return json({
    lot: priced
      ? { ...shown, tiers: priced.map(({ minQuantity, unitPriceFen }) => ({ minQuantity, unitPriceFen })) }
      : shown,
    blockedReason,
    prefill,
    payHours: env().ORDER_PAYMENT_HOURS,
    buyToken: newBuyToken(),
    terms,
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireActiveOrg(request);
  const formData = await readFormData(request);
  const values = formValues(formData);
  const refusal = buyerRefusal(viewer.activeOrg);
  if (refusal) return formError({ form: refusal }, values, 403);
  const parsed = parseForm(formData, buySchema);
  if (!parsed.ok) return formError(parsed.errors, parsed.values);

  const intent = formData.get('intent') ?? new URL(request.url).searchParams.get('intent');
  if (intent === 'preview') {
    // The server's word on the price, for a buy box that wants it; nothing is written.
    const lot = await lotForBuying(db, parsed.data.listingId);
    if (!lot) return formError({ form: 'errors.notFound' }, values, 404);
    const tiers = await tiersForBuyer(
      db,
      viewer.activeOrg.orgId,
      { id: lot.id, sellerOrgId: lot.sellerOrgId, categoryId: lot.categoryId, spec: lot.spec },
      lot.tiers,
      new Date(),
    );
    const quote = quoteBuy(
      { ...lot, tiers: tiers.map(({ minQuantity, unitPriceFen }) => ({ minQuantity, unitPriceFen })) },
      parsed.data.quantity,
      parsed.data.unit,
    );
    if (!quote.ok) return formError({ quantity: quote.error }, values);
    return json({ ...quote, currency: lot.currency });
  }

  const result = await placeBuyNow({
    buyerOrgId: viewer.activeOrg.orgId,
    actorUserId: viewer.user.id,
    form: parsed.data,
  });
  if (!result.ok) return formError(result.errors, values, result.status);
  return redirectWithToast(`/orders/${result.orderId}`, await placedToast(db, result.orderId));
}

export default function NewOrder() {
  const { lot, blockedReason, prefill, payHours, buyToken, terms } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const refused = failed && 'errors' in failed ? failed : null;
  const unitOpts = { caseNetGrams: lot.caseNetGrams ?? undefined };
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title={t('orders.buy.title')} />
      <div className="grid gap-4 md:grid-cols-[minmax(0,1fr)_minmax(0,22rem)]">
        <Card>
          <p className="text-sm text-slate-500">
            {localName({ nameZh: lot.categoryZh, nameEn: lot.categoryEn }, locale)}
          </p>
          <h2 className="mt-1 text-lg font-semibold break-words text-slate-900" data-testid="buy-lot-title">
            {listingTitle(lot, locale)}
          </h2>
          <dl className="mt-3 space-y-2 text-sm">
            <div className="flex gap-3">
              <dt className="w-20 shrink-0 text-slate-500">{t('orders.buy.seller')}</dt>
              <dd className="min-w-0">{lot.sellerName}</dd>
            </div>
            <div className="flex gap-3">
              <dt className="w-20 shrink-0 text-slate-500">{t('orders.buy.pickup')}</dt>
              <dd className="min-w-0 break-words">{lot.pickupPlace}</dd>
            </div>
            <div className="flex gap-3">
              <dt className="w-20 shrink-0 text-slate-500">{t('orders.col.quantity')}</dt>
              <dd className="min-w-0 tabular-nums">
                {t('orders.buy.available', {
                  quantity: formatQuantity(lot.quantityAvailable, lot.displayUnit, locale, unitOpts),
                })}
              </dd>
            </div>
          </dl>
          <Link to={`/market/${lot.id}`} className="mt-4 inline-block text-sm text-sea-700 underline">
            {t('orders.buy.viewLot')}
          </Link>
        </Card>
        <Card title={t('orders.buy.box')}>
          <BuyBox
            listingId={lot.id}
            tiers={lot.tiers}
            baseUnit={lot.baseUnit}
            displayUnit={lot.displayUnit}
            caseNetGrams={lot.caseNetGrams}
            minOrderQuantity={lot.minOrderQuantity}
            quantityAvailable={lot.quantityAvailable}
            currency={lot.currency}
            values={refused?.values ?? prefill}
            errors={refused?.errors}
            blockedReason={blockedReason}
            payHours={payHours}
            buyToken={buyToken}
            terms={terms}
          />
        </Card>
      </div>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'orders.buy.title');
