// One auction, live: price, leader (as "bidder 7"), time left or the Dutch clock, the bid history, and the bid forms.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useActionData, useFetcher, useLoaderData, useRevalidator } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import {
  BidHistory,
  DutchClock,
  TimeLeft,
  priceText,
  useAuctionLive,
  useServerNow,
} from '~/components/auction-live';
import { FormAlert, inputClass } from '~/components/forms';
import { listingTitle } from '~/components/listing-card';
import { Badge, Card } from '~/components/ui';
import { AuctionError } from '~/auctions/auctions.server';
import { bidRateLimited, placeBid, pressClock } from '~/auctions/bidding.server';
import {
  auctionForViewer,
  bidSchema,
  parseAuctionForm,
  pressQuantity,
  pressSchema,
} from '~/auctions/pages.server';
import { getViewer, requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formValues, readFormData } from '~/lib/forms.server';
import { useLocale, useT, type KeyIn, storedKey } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { type Currency, formatMoney, toDecimalString } from '~/lib/money';
import { incrementAt } from '~/market/increments';
import { QUANTITY_ERRORS } from '~/orders/pricing';
import { formatQuantity, unitLabel } from '~/lib/units';
import { notFound } from '~/lib/http.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await getViewer(request);
  const data = await auctionForViewer(db, params.auctionId ?? '', viewer);
  if (!data) throw notFound();
  const kind = viewer?.activeOrg?.kind;
  const role = viewer?.activeOrg?.role;
  return json({
    ...data,
    signedIn: Boolean(viewer),
    canBid: (kind === 'buyer' || kind === 'both') && role !== 'viewer' && !data.isSeller,
  });
}

type ActionResult =
  | {
      ok: true;
      outcome: string;
      priceFen: number | null;
      leading: boolean;
      orderId?: string;
      filled?: number;
    }
  | { ok: false; errors: Record<string, string>; values: Record<string, string>; minimumFen?: number };

function refused(
  field: string,
  key: string,
  values: Record<string, string>,
  status: number,
  minimumFen?: number,
) {
  return json<ActionResult>({ ok: false, errors: { [field]: key }, values, minimumFen }, { status });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['buyer', 'both'], 'trader');
  const auctionId = params.auctionId ?? '';
  const formData = await readFormData(request);
  const values = formValues(formData);
  // A flood of bids from one user is cut off before it reaches the auction's row lock.
  if (await bidRateLimited(viewer.user.id)) return refused('form', 'auctions.errors.tooMany', values, 429);
  const bidder = { auctionId, orgId: viewer.activeOrg.orgId, userId: viewer.user.id };
  try {
    if (values.intent === 'press' || values.intent === 'presale') {
      const parsed = parseAuctionForm(formData, pressSchema);
      if (!parsed.ok)
        return json<ActionResult>({ ok: false, errors: parsed.errors, values }, { status: 400 });
      const data = await auctionForViewer(db, auctionId, viewer);
      if (!data) throw notFound();
      const quantity = pressQuantity(parsed.data.quantity, data.auction.priceUnit, data.listing.caseNetGrams);
      if (!quantity.ok) return refused('quantity', QUANTITY_ERRORS[quantity.error], values, 400);
      const result = await pressClock({
        ...bidder,
        quantity: quantity.value,
        seenRound: parsed.data.round ?? null,
        presale: values.intent === 'presale',
      });
      if (!result.ok) return refused('quantity', result.messageKey, values, result.status);
      return json<ActionResult>(result);
    }
    const parsed = parseAuctionForm(formData, bidSchema);
    if (!parsed.ok) return json<ActionResult>({ ok: false, errors: parsed.errors, values }, { status: 400 });
    const result = await placeBid({ ...bidder, kind: parsed.data.kind, amountFen: parsed.data.amount });
    if (!result.ok) return refused('amount', result.messageKey, values, result.status, result.minimumFen);
    return json<ActionResult>(result);
  } catch (error) {
    if (error instanceof AuctionError)
      return refused(error.field === 'form' ? 'form' : error.field, error.messageKey, values, error.status);
    throw error;
  }
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(
    matches,
    'auctions.title',
    data ? (data.listing.titleZh ?? data.listing.titleEn ?? undefined) : undefined,
  );

function Stat({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-lg font-semibold text-slate-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

export default function AuctionPage() {
  const data = useLoaderData<typeof loader>();
  const { auction, listing, mine, canBid, signedIn, isSeller, availableFen } = data;
  const t = useT();
  const locale = useLocale();
  const { state, offsetMs } = useAuctionLive(data.live);
  const fetcher = useFetcher<ActionResult>();
  const actionData = useActionData<ActionResult>();
  const result = fetcher.data ?? actionData;
  const formRef = useRef<HTMLFormElement>(null);
  const revalidator = useRevalidator();
  // At the close (or a sale) the page's own data changes too: the winner's order link, my deposit.
  const lastStatus = useRef(state.status);
  useEffect(() => {
    if (state.status !== lastStatus.current) {
      lastStatus.current = state.status;
      revalidator.revalidate();
    }
  }, [state.status, revalidator]);
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok) formRef.current?.reset();
  }, [fetcher.state, fetcher.data]);

  const price = (fen: number) => priceText(fen, auction.currency, auction.priceUnit, locale);
  const open = state.status === 'open';
  const now = useServerNow(offsetMs, data.live.serverTime, 1000);
  const notStarted = Date.parse(state.clock?.clockStartsAt ?? state.startsAt) > now;
  const leaderText =
    state.leader === null
      ? '—'
      : mine && state.leader === mine.bidder
        ? t('auctions.you')
        : t('auctions.bidderN', { n: state.leader });
  const minimumFen =
    auction.type === 'english' && state.priceFen !== null && state.leader !== null
      ? state.priceFen + incrementAt(auction.increments, state.priceFen)
      : auction.startPriceFen;
  const errors = result && !result.ok ? result.errors : {};
  const values = result && !result.ok ? result.values : {};
  const qty = (base: number) =>
    formatQuantity(base, auction.priceUnit, locale, { caseNetGrams: listing.caseNetGrams ?? undefined });
  const errorText = (key?: string) =>
    key
      ? key === 'auctions.errors.tooLow' && result && !result.ok && result.minimumFen
        ? t(storedKey(key), { minimum: price(result.minimumFen) })
        : t(storedKey(key))
      : undefined;

  return (
    <div>
      <Link to="/auctions" className="text-sm text-sea-700 underline">
        ← {t('auctions.back')}
      </Link>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">{listingTitle(listing, locale)}</h1>
        <Badge tone="sea">{t(`auctions.type.${auction.type}`)}</Badge>
        {auction.type === 'sealed' ? (
          <Badge>{t(`auctions.sealed.${auction.sealedPricing ?? 'first'}`)}</Badge>
        ) : null}
        <Badge tone={open ? 'green' : 'slate'}>
          <span data-testid="auction-status">{t(`auctions.status.${state.status}`)}</span>
        </Badge>
      </div>
      <p className="mt-1 text-sm text-slate-600">
        {t('auctions.lotLine', {
          quantity: qty(state.remaining),
          origin: listing.originName,
          place: listing.pickupPlace,
        })}{' '}
        <Link to={`/market/${listing.id}`} className="text-sea-700 underline">
          {t('auctions.viewLot')}
        </Link>
      </p>

      <div className="mt-4 grid gap-6 lg:grid-cols-5">
        <div className="space-y-4 lg:col-span-3">
          <Card>
            {auction.type === 'dutch' && state.clock && open ? (
              <DutchClock
                clock={state.clock}
                offsetMs={offsetMs}
                serverTime={data.live.serverTime}
                currency={auction.currency}
                unit={auction.priceUnit}
              />
            ) : null}
            <dl className="mt-2 grid grid-cols-2 gap-4 sm:grid-cols-4">
              {auction.type !== 'dutch' ? (
                <Stat
                  label={
                    auction.type === 'sealed' && open ? t('auctions.startPrice') : t('auctions.currentPrice')
                  }
                  testId="current-price"
                >
                  {auction.type === 'sealed' && open
                    ? price(auction.startPriceFen)
                    : state.priceFen !== null
                      ? price(state.priceFen)
                      : price(auction.startPriceFen)}
                </Stat>
              ) : null}
              {auction.type === 'english' ? (
                <Stat label={t('auctions.leader')} testId="leader">
                  {leaderText}
                </Stat>
              ) : null}
              {state.endsAt && open ? (
                <Stat label={notStarted ? t('auctions.startsAt') : t('auctions.timeLeft')}>
                  {notStarted ? (
                    <TimeLeft endsAt={state.startsAt} offsetMs={offsetMs} serverTime={data.live.serverTime} />
                  ) : (
                    <TimeLeft endsAt={state.endsAt} offsetMs={offsetMs} serverTime={data.live.serverTime} />
                  )}
                </Stat>
              ) : null}
              {auction.type === 'dutch' ? (
                <Stat label={t('auctions.remaining')} testId="remaining">
                  {qty(state.remaining)}
                </Stat>
              ) : (
                <Stat label={t('auctions.bids')} testId="bid-count">
                  {auction.type === 'sealed' && open ? t('auctions.hidden') : state.bidCount}
                </Stat>
              )}
              {state.reserve !== 'none' ? (
                <Stat label={t('auctions.reserve')} testId="reserve">
                  {t(`auctions.reserve.${state.reserve}`)}
                </Stat>
              ) : null}
            </dl>
            {auction.type === 'english' && open ? (
              <p className="mt-3 text-xs text-slate-500">
                {t('auctions.softCloseHint', { seconds: auction.softCloseSeconds })}
              </p>
            ) : null}
            {!open ? (
              <p
                role="status"
                className="mt-4 rounded-md bg-slate-100 px-3 py-2 text-sm"
                data-testid="closed-note"
              >
                {auction.wonByViewer ? t('auctions.closed.won') : t(`auctions.closed.${state.status}`)}{' '}
                {auction.orderId ? (
                  <Link to={`/orders/${auction.orderId}`} className="text-sea-700 underline">
                    {t('auctions.closed.viewOrder')}
                  </Link>
                ) : null}
              </p>
            ) : null}
          </Card>

          {open && canBid ? (
            <Card
              title={auction.type === 'dutch' ? t('auctions.form.pressTitle') : t('auctions.form.bidTitle')}
            >
              <fetcher.Form method="post" ref={formRef} className="space-y-3" noValidate>
                <FormAlert error={errors.form} />
                {auction.type === 'dutch' ? (
                  <>
                    <input type="hidden" name="round" value={state.clock?.round ?? 0} />
                    <label htmlFor="quantity" className="block text-sm font-medium text-slate-700">
                      {t('auctions.form.quantity', { unit: unitLabel(auction.priceUnit, locale) })}
                    </label>
                    <input
                      id="quantity"
                      name="quantity"
                      inputMode="decimal"
                      defaultValue={values.quantity}
                      aria-invalid={errors.quantity ? true : undefined}
                      className={`${inputClass} ${errors.quantity ? 'border-red-500' : 'border-slate-300'}`}
                    />
                    {errors.quantity ? (
                      <p role="alert" className="text-sm text-red-600">
                        {t(storedKey(errors.quantity))}
                      </p>
                    ) : null}
                    <div className="flex flex-wrap gap-2">
                      {notStarted && auction.presalePriceFen ? (
                        <button
                          type="submit"
                          name="intent"
                          value="presale"
                          className="rounded-md border border-sea-700 px-4 py-2 text-sm font-semibold text-sea-800"
                        >
                          {t('auctions.form.presale', { price: price(auction.presalePriceFen) })}
                        </button>
                      ) : (
                        <button
                          type="submit"
                          name="intent"
                          value="press"
                          className="rounded-md bg-red-700 px-6 py-3 text-base font-bold text-white shadow hover:bg-red-800"
                        >
                          {t('auctions.form.press')}
                        </button>
                      )}
                    </div>
                  </>
                ) : (
                  <>
                    <input type="hidden" name="intent" value="bid" />
                    {auction.type === 'english' ? (
                      <fieldset className="flex flex-wrap gap-4 text-sm">
                        <legend className="sr-only">{t('auctions.form.kind')}</legend>
                        <label className="flex items-center gap-2">
                          <input
                            type="radio"
                            name="kind"
                            value="manual"
                            defaultChecked={values.kind !== 'proxy'}
                          />{' '}
                          {t('auctions.kind.manual')}
                        </label>
                        <label className="flex items-center gap-2">
                          <input
                            type="radio"
                            name="kind"
                            value="proxy"
                            defaultChecked={values.kind === 'proxy'}
                          />{' '}
                          {t('auctions.form.proxy')}
                        </label>
                      </fieldset>
                    ) : (
                      <input type="hidden" name="kind" value="sealed" />
                    )}
                    <label htmlFor="amount" className="block text-sm font-medium text-slate-700">
                      {t('auctions.form.amount', { unit: unitLabel(auction.priceUnit, locale) })}
                    </label>
                    <input
                      id="amount"
                      name="amount"
                      inputMode="decimal"
                      defaultValue={values.amount}
                      placeholder={toDecimalString(minimumFen, auction.currency as Currency)}
                      aria-invalid={errors.amount ? true : undefined}
                      aria-describedby="amount-hint"
                      className={`${inputClass} ${errors.amount ? 'border-red-500' : 'border-slate-300'}`}
                    />
                    <p id="amount-hint" className="text-xs text-slate-500">
                      {auction.type === 'english'
                        ? t('auctions.form.minimum', { minimum: price(minimumFen) })
                        : t('auctions.form.sealedHint', { minimum: price(auction.startPriceFen) })}
                    </p>
                    {errors.amount ? (
                      <p role="alert" className="text-sm text-red-600" data-testid="bid-error">
                        {errorText(errors.amount)}
                      </p>
                    ) : null}
                    <button
                      type="submit"
                      className="rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
                      disabled={fetcher.state !== 'idle'}
                    >
                      {auction.type === 'sealed'
                        ? mine?.sealedFen
                          ? t('auctions.form.replace')
                          : t('auctions.form.submitSealed')
                        : t('auctions.form.submit')}
                    </button>
                  </>
                )}
                {result?.ok ? (
                  <p role="status" className="text-sm text-emerald-700" data-testid="bid-result">
                    {t(`auctions.result.${result.outcome}` as KeyIn<'auctions.result'>, {
                      price: result.priceFen !== null ? price(result.priceFen) : '',
                      quantity: result.filled ? qty(result.filled) : '',
                    })}{' '}
                    {result.orderId ? (
                      <Link to={`/orders/${result.orderId}`} className="underline">
                        {t('auctions.closed.viewOrder')}
                      </Link>
                    ) : null}
                  </p>
                ) : null}
              </fetcher.Form>
              {auction.type === 'dutch' ? null : (
                <p className="mt-3 text-xs text-slate-500">
                  {t('auctions.deposit.line', {
                    share: (auction.depositBps / 100).toFixed(auction.depositBps % 100 ? 1 : 0),
                    available: formatMoney(availableFen, auction.currency as Currency, locale),
                    held: formatMoney(mine?.heldFen ?? 0, auction.currency as Currency, locale),
                  })}
                </p>
              )}
              {mine?.maxFen && auction.type === 'english' ? (
                <p className="mt-1 text-xs text-slate-500">
                  {t('auctions.yourMax', { price: price(mine.maxFen) })}
                </p>
              ) : null}
              {mine?.sealedFen ? (
                <p className="mt-1 text-xs text-slate-500" data-testid="my-sealed">
                  {t('auctions.yourSealed', { price: price(mine.sealedFen) })}
                </p>
              ) : null}
            </Card>
          ) : open && !signedIn ? (
            <Card>
              <Link to={`/login?next=/auctions/${auction.id}`} className="text-sea-700 underline">
                {t('auctions.loginToBid')}
              </Link>
            </Card>
          ) : open && isSeller ? (
            <Card>
              <p className="text-sm text-slate-600">{t('auctions.ownLotNote')}</p>
            </Card>
          ) : null}
        </div>

        <div className="lg:col-span-2">
          <Card title={t('auctions.history.title')}>
            {auction.type === 'sealed' && open ? (
              <p className="text-sm text-slate-500">{t('auctions.history.sealed')}</p>
            ) : (
              <BidHistory
                bids={state.bids}
                currency={auction.currency}
                unit={auction.priceUnit}
                myBidder={mine?.bidder ?? null}
                displayUnit={auction.priceUnit}
                caseNetGrams={listing.caseNetGrams}
              />
            )}
          </Card>
        </div>
      </div>
    </div>
  );
}
