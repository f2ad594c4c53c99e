// One lot on the market: photos, spec, origin and shelf life, stock, price tiers per kg or jin, seller and certificates.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import type { ReactNode } from 'react';
import {
  PhotoPlaceholder,
  VerifiedBadge,
  formatStock,
  formatUnitPrice,
  labelIn,
  listingTitle,
} from '~/components/listing-card';
import { type PriceUnitChoice, PriceTiers } from '~/components/price-tiers';
import { Badge, Card } from '~/components/ui';
import { BuyBox } from '~/components/buy-box';
import { getViewer } from '~/lib/auth.server';
import { env } from '~/lib/env.server';
import { buyerRefusal } from '~/orders/pages.server';
import { newBuyToken } from '~/orders/orders.server';
import { db } from '~/lib/db.server';
import { useLocale, useT, type KeyIn } from '~/lib/i18n';
import { getListingForViewer } from '~/listings/queries.server';
import { localeOf, pageTitle } from '~/lib/meta';
import { liveAuctionOfListing } from '~/auctions/pages.server';
import { notFound } from '~/lib/http.server';
import { digitalLinkPath } from '~/trace/epcis';
import { complianceSummary } from '~/compliance/certificates.server';
import { listingReference } from '~/market-data/lot-reference.server';
import { formatMoney } from '~/lib/money';
import { fairPriceAt } from '~/fairs/fairs.server';
import { lowestListedPrice } from '~/b2b/price-list-rules';
import { tiersForBuyer } from '~/b2b/price-lists.server';
import { termsForBuyBox } from '~/b2b/terms.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await getViewer(request);
  const detail = await getListingForViewer(db, params.listingId ?? '', viewer);
  if (!detail) throw notFound();
  const url = new URL(request.url);
  const asked = url.searchParams.get('unit');
  // Without a choice, prices read in the unit the seller lists in when that is jin; kg otherwise.
  const unit: PriceUnitChoice =
    asked === 'kg' || asked === 'jin' ? asked : detail.listing.displayUnit === 'jin' ? 'jin' : 'kg';
  const photo = Math.min(
    Math.max(0, Number.parseInt(url.searchParams.get('photo') ?? '0', 10) || 0),
    Math.max(0, detail.photos.length - 1),
  );
  const kind = viewer?.activeOrg?.kind;
  const asBuyer = (kind === 'buyer' || kind === 'both') && !detail.viewerIsSeller;
  // Why this viewer cannot buy now (a read-only member, a lot no longer on sale), shown instead of the button.
  const buyBlocked =
    !asBuyer || !viewer?.activeOrg
      ? null
      : (buyerRefusal(viewer.activeOrg) ??
        (detail.listing.status === 'live' ? null : 'orders.errors.notOnSale'));
  // Together: round trips to the database one after another would queue.
  const [auction, compliance, reference, fairPriceFen] = await Promise.all([
    liveAuctionOfListing(db, detail.listing.id),
    complianceSummary(db, detail.listing.id),
    listingReference(db, {
      categoryId: detail.category.id,
      spec: detail.listing.specValues,
      baseUnit: detail.category.baseUnit,
    }),
    // During a fair the buy box prices at the lot's fair price, as placeBuyNow does.
    fairPriceAt(db, detail.listing.id, new Date()),
  ]);
  const ownTiers = fairPriceFen === null ? detail.tiers : [{ minQuantity: 0, unitPriceFen: fairPriceFen }];
  // The buyer org's own price from a list its seller keeps for it (app/b2b, ADR 0051): for that org only, as
  // placeBuyNow prices it. Anyone else's page carries nothing of it.
  const priced =
    asBuyer && viewer?.activeOrg && detail.listing.saleMode === 'fixed'
      ? await tiersForBuyer(
          db,
          viewer.activeOrg.orgId,
          {
            id: detail.listing.id,
            sellerOrgId: detail.seller.id,
            categoryId: detail.category.id,
            spec: detail.listing.specValues,
          },
          ownTiers,
          new Date(),
        )
      : null;
  const yourPriceFen = priced ? lowestListedPrice(priced) : null;
  // Credit terms the seller grants this buyer org (ADR 0056): only on its own page, as with its prices.
  const terms =
    asBuyer && viewer?.activeOrg && !buyBlocked
      ? await termsForBuyBox(db, detail.seller.id, viewer.activeOrg.orgId)
      : null;
  return json({
    terms,
    ...detail,
    unit,
    photo,
    asBuyer,
    buyBlocked,
    payHours: env().ORDER_PAYMENT_HOURS,
    // Only for a would-be buyer: the page stays the same for everyone else.
    buyToken: asBuyer && !buyBlocked ? newBuyToken() : null,
    signedIn: Boolean(viewer),
    auction,
    tracePath: digitalLinkPath(detail.category.id, detail.listing.id),
    compliance,
    reference,
    fairPriceFen,
    ...(yourPriceFen !== null && priced
      ? {
          yourPriceFen,
          buyTiers: priced.map(({ minQuantity, unitPriceFen }) => ({ minQuantity, unitPriceFen })),
        }
      : { yourPriceFen: null, buyTiers: ownTiers }),
  });
}

function hrefWith(id: string, values: { unit: PriceUnitChoice; photo: number }): string {
  const params = new URLSearchParams({ unit: values.unit });
  if (values.photo > 0) params.set('photo', String(values.photo));
  return `/market/${id}?${params}`;
}

/** Something a reader can do with this lot, as a link: ask for a quote, bid, open its trace. */
function LotAction({ slot, to, title, hint }: { slot: string; to: string; title: string; hint: string }) {
  return (
    <Link
      to={to}
      data-slot={slot}
      className="block rounded-md border border-slate-300 bg-white px-3 py-2 hover:border-sea-700 hover:bg-sea-50"
    >
      <span className="block text-sm font-semibold text-sea-800">{title}</span>
      <span className="block text-xs text-slate-600">{hint}</span>
    </Link>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex gap-3 border-b border-slate-100 py-2 last:border-0">
      <dt className="w-24 shrink-0 text-slate-500 sm:w-28">{label}</dt>
      <dd className="min-w-0 flex-1 text-slate-900">{children}</dd>
    </div>
  );
}

export default function MarketListing() {
  const data = useLoaderData<typeof loader>();
  const {
    listing,
    category,
    spec,
    tiers,
    photos,
    certificates,
    seller,
    unit,
    photo,
    asBuyer,
    signedIn,
    buyBlocked,
    payHours,
    standing,
    tracePath,
  } = data;
  const t = useT();
  const locale = useLocale();
  const title = listingTitle(listing, locale);
  const otherTitle = locale === 'en' ? listing.titleZh : listing.titleEn;
  const description =
    locale === 'en'
      ? (listing.descriptionEn ?? listing.descriptionZh)
      : (listing.descriptionZh ?? listing.descriptionEn);
  const stock = (value: number) => formatStock(value, listing.displayUnit, locale, listing.caseNetGrams);
  const status = t(`listing.status.${listing.status}`);
  const isPublic = listing.status === 'live' || listing.status === 'sold_out';
  const current = photos[photo];

  return (
    <div>
      <Link to="/market" className="text-sm text-sea-700 underline">
        ← {t('market.detail.back')}
      </Link>

      {!isPublic ? (
        <p
          role="status"
          className="mt-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800"
        >
          {t('market.detail.notPublic', { status })}
        </p>
      ) : listing.status !== 'live' ? (
        <p role="status" className="mt-3 rounded-md border border-slate-200 bg-slate-100 px-3 py-2 text-sm">
          {t('market.detail.notLive', { status })}
        </p>
      ) : null}

      {data.auction ? (
        <Link
          to={`/auctions/${data.auction.id}`}
          data-testid="live-auction-banner"
          className="mt-3 block rounded-md border border-sea-200 bg-sea-50 px-3 py-2 text-sm font-medium text-sea-800"
        >
          {t('auctions.banner', { type: t(`auctions.type.${data.auction.type}`) })}
        </Link>
      ) : null}
      <div className="mt-4 grid gap-6 lg:grid-cols-2">
        <section aria-label={t('market.detail.photos')} data-testid="gallery">
          {current ? (
            <img
              src={`/files/${current.storageKey}`}
              alt={t('market.detail.photoN', { n: photo + 1 })}
              className="aspect-[4/3] w-full rounded-lg border border-slate-200 bg-slate-100 object-cover"
            />
          ) : (
            <PhotoPlaceholder className="aspect-[4/3] w-full rounded-lg border border-slate-200" />
          )}
          {photos.length > 1 ? (
            <ul className="mt-2 flex gap-2 overflow-x-auto">
              {photos.map((p, i) => (
                <li key={p.id} className="shrink-0">
                  <Link
                    to={hrefWith(listing.id, { unit, photo: i })}
                    replace
                    preventScrollReset
                    aria-current={i === photo ? 'true' : undefined}
                    className={`block overflow-hidden rounded border-2 ${i === photo ? 'border-sea-600' : 'border-transparent'}`}
                  >
                    <img
                      src={`/files/${p.thumbKey ?? p.storageKey}`}
                      alt={t('market.detail.photoN', { n: i + 1 })}
                      loading="lazy"
                      className="size-16 object-cover sm:size-20"
                    />
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
        </section>

        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2 text-sm text-slate-500">
            <span>{locale === 'en' ? category.nameEn : category.nameZh}</span>
            {listing.status !== 'live' ? (
              <Badge tone={listing.status === 'sold_out' ? 'slate' : 'amber'}>{status}</Badge>
            ) : null}
            <Badge tone="sea">{t(`listing.saleMode.${listing.saleMode}`)}</Badge>
          </div>
          <h1 className="mt-1 text-2xl font-bold tracking-tight text-slate-900" data-testid="listing-title">
            {title}
          </h1>
          {otherTitle && otherTitle !== title ? (
            <p className="mt-0.5 text-sm text-slate-500" lang={locale === 'en' ? 'zh-CN' : 'en'}>
              {otherTitle}
            </p>
          ) : null}

          <dl className="mt-4 text-sm">
            <Fact label={t('market.detail.available')}>
              <span className="font-semibold">{stock(listing.quantityAvailable)}</span>
              {listing.caseNetGrams ? (
                <span className="ml-2 text-slate-500">
                  {t('market.detail.caseNet', {
                    weight: formatStock(listing.caseNetGrams, 'kg', locale, null),
                  })}
                </span>
              ) : null}
            </Fact>
            <Fact label={t('market.detail.moq')}>{stock(listing.minOrderQuantity)}</Fact>
            <Fact label={t('market.detail.origin')}>
              {listing.originRegion} · {listing.originName}
            </Fact>
            <Fact label={t('market.detail.harvestDate')}>{listing.harvestDate}</Fact>
            <Fact label={t('market.detail.shelfLife')}>
              {t('market.detail.shelfLifeDays', { count: listing.shelfLifeDays, date: listing.bestBefore })}
            </Fact>
            <Fact label={t('market.detail.coldChain')}>{t(`listing.coldChain.${listing.coldChain}`)}</Fact>
            <Fact label={t('market.detail.pickup')}>{listing.pickupPlace}</Fact>
          </dl>

          <Card title={t('market.detail.prices')} className="mt-4">
            <PriceTiers
              tiers={tiers}
              baseUnit={category.baseUnit}
              unit={unit}
              currency={listing.currency}
              hrefs={{
                kg: hrefWith(listing.id, { unit: 'kg', photo }),
                jin: hrefWith(listing.id, { unit: 'jin', photo }),
              }}
            />
            {data.yourPriceFen !== null ? (
              <p className="mt-3 text-base font-semibold text-red-700" data-testid="your-price">
                {t('b2b.your.cardPrice', {
                  price: formatUnitPrice(
                    data.yourPriceFen,
                    listing.currency,
                    category.baseUnit === 'g' ? 'kg' : 'piece',
                    locale,
                  ),
                })}
                <span className="block text-xs font-normal text-slate-600">{t('b2b.your.note')}</span>
              </p>
            ) : null}
            {data.reference ? (
              <p className="mt-3 text-sm text-slate-700" data-testid="reference-price">
                <Link
                  to={`/prices/${encodeURIComponent(data.reference.categoryId)}/${encodeURIComponent(data.reference.grade)}`}
                  className="text-sea-700 underline"
                >
                  {t('market.detail.reference', {
                    price: formatMoney(data.reference.fenPerKg, 'CNY', locale),
                  })}
                </Link>
              </p>
            ) : null}
          </Card>

          {asBuyer && listing.saleMode === 'fixed' ? (
            <Card title={t('market.slot.buy')} className="mt-4">
              <section data-slot="buy">
                {data.fairPriceFen !== null ? (
                  <p className="mb-2 text-sm font-semibold text-red-700" data-testid="fair-price">
                    {t('fairs.booth.fairPrice')} {formatMoney(data.fairPriceFen, listing.currency, locale)}
                  </p>
                ) : null}
                <BuyBox
                  listingId={listing.id}
                  tiers={data.buyTiers}
                  baseUnit={category.baseUnit}
                  displayUnit={listing.displayUnit}
                  caseNetGrams={listing.caseNetGrams}
                  minOrderQuantity={listing.minOrderQuantity}
                  quantityAvailable={listing.quantityAvailable}
                  currency={listing.currency}
                  blockedReason={buyBlocked}
                  payHours={payHours}
                  buyToken={data.buyToken ?? undefined}
                  terms={data.terms}
                />
              </section>
            </Card>
          ) : null}
          <div className="mt-4 grid gap-2 sm:grid-cols-2">
            {asBuyer && listing.status === 'live' ? (
              <LotAction
                slot="quote"
                to={`/demands/new?listing=${encodeURIComponent(listing.id)}`}
                title={t('market.slot.quote')}
                hint={t('market.slot.quoteHint')}
              />
            ) : null}
            {asBuyer && listing.saleMode === 'fixed' && !buyBlocked ? (
              <LotAction
                slot="repeat"
                to={`/buy/lists/add?listing=${encodeURIComponent(listing.id)}`}
                title={t('repeat.add.link')}
                hint={t('repeat.add.linkHint')}
              />
            ) : null}
            {data.auction ? (
              <LotAction
                slot="bid"
                to={`/auctions/${data.auction.id}`}
                title={t('market.slot.bid')}
                hint={t('market.slot.bidHint')}
              />
            ) : null}
            {isPublic ? (
              <LotAction
                slot="trace"
                to={tracePath}
                title={t('market.slot.trace')}
                hint={t('market.slot.traceHint')}
              />
            ) : null}
          </div>
          {!asBuyer && !signedIn ? (
            <p className="mt-4 text-sm text-slate-600">
              <Link
                to={`/login?next=${encodeURIComponent(`/market/${listing.id}`)}`}
                className="text-sea-700 underline"
              >
                {t('nav.login')}
              </Link>{' '}
              · {t('market.detail.signInToTrade')}
            </p>
          ) : null}
        </div>
      </div>

      <div className="mt-6 grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card title={t('market.detail.spec')}>
            <dl className="text-sm" data-testid="spec-table">
              <Fact label={t('market.detail.category')}>
                {locale === 'en' ? category.nameEn : category.nameZh}
              </Fact>
              {spec.map((row) => (
                <Fact key={row.key} label={labelIn(row.label, locale)}>
                  {labelIn(row.value, locale)}
                </Fact>
              ))}
            </dl>
          </Card>
          {description ? (
            <Card title={t('market.detail.description')}>
              <p className="whitespace-pre-line text-sm leading-relaxed text-slate-700">{description}</p>
            </Card>
          ) : null}
        </div>
        <div className="space-y-6">
          <Card title={t('market.detail.seller')}>
            <div data-testid="seller-card">
              <p className="font-semibold text-slate-900">{seller.name}</p>
              <div className="mt-1">
                {seller.verified ? <VerifiedBadge /> : <Badge>{t('verification.unverified')}</Badge>}
              </div>
              <dl className="mt-2 text-sm">
                {seller.city ? <Fact label={t('market.detail.city')}>{seller.city}</Fact> : null}
                <Fact label={t('market.detail.memberSince')}>{seller.memberSince}</Fact>
                {standing ? (
                  <>
                    <Fact label={t('trust.credit.label')}>
                      <span data-testid="credit-score">{standing.creditScore}</span>
                    </Fact>
                    <Fact label={t('trust.credit.quality')}>
                      <span title={t(`trust.quality.${standing.qualityClass}` as KeyIn<'trust.quality'>)}>
                        {standing.qualityClass}
                      </span>
                    </Fact>
                  </>
                ) : null}
              </dl>
              {signedIn && !data.viewerIsSeller ? (
                <p className="mt-2 flex gap-3 text-xs">
                  <Link
                    to={`/reports/new?subject=listing&id=${listing.id}`}
                    className="text-slate-500 underline"
                  >
                    {t('trust.report.link')}
                  </Link>
                  <Link to={`/reports/new?subject=org&id=${seller.id}`} className="text-slate-500 underline">
                    {t('trust.report.linkOrg')}
                  </Link>
                </p>
              ) : null}
            </div>
          </Card>
          <Card title={t('market.detail.certificates')}>
            {data.compliance ? (
              <div
                className="mb-3 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm"
                data-testid="lot-compliance"
              >
                <p className="font-medium text-slate-800">{t('compliance.title')}</p>
                <p className="text-xs text-slate-600">
                  <Link
                    to={`/certificates/${data.compliance.id}`}
                    className="font-mono text-sea-700 underline"
                  >
                    {data.compliance.number}
                  </Link>{' '}
                  · {data.compliance.promisingParty} ·{' '}
                  {t('compliance.lot.issuedOn', { date: data.compliance.issuedOn })}
                </p>
              </div>
            ) : null}
            {certificates.length === 0 && !data.compliance ? (
              <p className="text-sm text-slate-500">{t('market.detail.noCertificates')}</p>
            ) : (
              <ul className="space-y-3 text-sm" data-testid="certificates">
                {certificates.map((certificate) => (
                  <li key={certificate.id} className="flex items-start justify-between gap-3">
                    <div className="min-w-0">
                      <p className="font-medium text-slate-800">
                        {t(`market.certType.${certificate.certificateType ?? 'other'}`)}
                      </p>
                      <p className="text-xs text-slate-500">
                        {certificate.certificateNumber
                          ? t('market.detail.certificateNumber', { number: certificate.certificateNumber })
                          : t('market.detail.noNumber')}
                      </p>
                    </div>
                    <a
                      href={`/files/${certificate.storageKey}`}
                      className="shrink-0 text-sea-700 underline"
                      target="_blank"
                      rel="noreferrer"
                    >
                      {t('market.detail.viewFile')}
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, 'nav.market', data ? listingTitle(data.listing, localeOf(matches)) : undefined);
