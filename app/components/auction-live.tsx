// The live parts of an auction page: the stream of states over SSE, the countdown and the Dutch clock, synced to server time.
import { useEffect, useRef, useState } from 'react';
import type { PublicAuction } from '~/auctions/live.server';
import { clockAt } from '~/auctions/dutch';
import { useLocale, useT, type KeyIn } from '~/lib/i18n';
import { type Currency, formatMoney } from '~/lib/money';
import { type QuantityUnit, formatQuantity, unitLabel } from '~/lib/units';
import { marketClock } from '~/lib/market-time';

/**
 * Whether `incoming`, a state the loader read, should replace `current`, the state the page shows. The loader's
 * data comes back after every action the page submits and may have been read before a bid that has reached the
 * page live since: a state with fewer bids is older, and with as many the one the server produced later wins.
 */
export function loaderStateIsNewer(incoming: PublicAuction, current: PublicAuction): boolean {
  if (incoming.id !== current.id) return true;
  if (incoming.bidCount !== current.bidCount) return incoming.bidCount > current.bidCount;
  return Date.parse(incoming.serverTime) >= Date.parse(current.serverTime);
}

/**
 * The auction's latest state: the loader's, then every state the server publishes, a loader's state only when it
 * is not older than what the page shows. The offset between the server's clock and this browser's is measured from
 * each state's serverTime, so countdowns and the Dutch clock show the server's time even when the browser's clock
 * is wrong.
 */
export function useAuctionLive(initial: PublicAuction) {
  const [state, setState] = useState(initial);
  const [offsetMs, setOffsetMs] = useState(0);
  const [connected, setConnected] = useState(false);
  const shown = useRef(initial);
  useEffect(() => {
    if (shown.current !== initial && !loaderStateIsNewer(initial, shown.current)) return;
    shown.current = initial;
    setState(initial);
    setOffsetMs(Date.parse(initial.serverTime) - Date.now());
  }, [initial]);
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(`/events?auction=${encodeURIComponent(initial.id)}`);
    source.addEventListener('open', () => setConnected(true));
    source.addEventListener('error', () => setConnected(false));
    source.addEventListener('auction', (event) => {
      const next = JSON.parse((event as MessageEvent<string>).data) as PublicAuction;
      if (next.id !== initial.id) return;
      setOffsetMs(Date.parse(next.serverTime) - Date.now());
      // States may arrive out of order from two web processes: keep the one with more bids.
      const current = shown.current;
      if (next.bidCount >= current.bidCount || next.status !== current.status) {
        shown.current = next;
        setState(next);
      }
    });
    return () => source.close();
  }, [initial.id]);
  return { state, offsetMs, connected };
}

/**
 * Server time now, re-rendering every `everyMs`. The first render uses `initialIso` (the state's
 * serverTime), so the server's HTML and the browser's first render agree (no hydration mismatch).
 */
export function useServerNow(offsetMs: number, initialIso: string, everyMs = 250): number {
  const [now, setNow] = useState(() => Date.parse(initialIso));
  const offset = useRef(offsetMs);
  offset.current = offsetMs;
  useEffect(() => {
    setNow(Date.now() + offset.current);
    const timer = setInterval(() => setNow(Date.now() + offset.current), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

export function formatLeft(ms: number, locale: string): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  const text = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
  return locale === 'en' ? text : text;
}

export function TimeLeft({
  endsAt,
  offsetMs,
  serverTime,
}: {
  endsAt: string;
  offsetMs: number;
  serverTime: string;
}) {
  const locale = useLocale();
  const now = useServerNow(offsetMs, serverTime);
  const left = Date.parse(endsAt) - now;
  return (
    <span data-testid="time-left" className={`font-mono tabular-nums ${left < 60_000 ? 'text-red-700' : ''}`}>
      {formatLeft(left, locale)}
    </span>
  );
}

export function priceText(fen: number, currency: string, unit: QuantityUnit, locale: 'zh-CN' | 'en'): string {
  return `${formatMoney(fen, currency as Currency, locale)}/${unitLabel(unit, locale)}`;
}

/** The Dutch clock: the price now (a pure function of server time) and a dial falling from start to floor. */
export function DutchClock({
  clock,
  offsetMs,
  serverTime,
  currency,
  unit,
}: {
  clock: NonNullable<PublicAuction['clock']>;
  offsetMs: number;
  serverTime: string;
  currency: string;
  unit: QuantityUnit;
}) {
  const t = useT();
  const locale = useLocale();
  const now = useServerNow(offsetMs, serverTime, 100);
  const reading = clockAt({ ...clock, clockStartsAt: new Date(clock.clockStartsAt) }, new Date(now));
  const span = Math.max(1, clock.startPriceFen - clock.floorPriceFen);
  const share = Math.min(1, Math.max(0, (reading.priceFen - clock.floorPriceFen) / span));
  return (
    <div className="rounded-lg border border-sea-200 bg-sea-50 p-4" data-testid="dutch-clock">
      <p className="text-sm text-slate-600">
        {reading.phase === 'before'
          ? t('auctions.clock.startsIn', { time: formatLeft(reading.startsInMs, locale) })
          : reading.phase === 'running'
            ? t('auctions.clock.running')
            : t('auctions.clock.floorPassed')}
      </p>
      <p className="mt-1 text-3xl font-bold tabular-nums text-sea-800" data-testid="clock-price">
        {priceText(reading.priceFen, currency, unit, locale)}
      </p>
      <div
        className="mt-3 h-3 w-full overflow-hidden rounded-full bg-white"
        role="progressbar"
        aria-valuemin={clock.floorPriceFen}
        aria-valuemax={clock.startPriceFen}
        aria-valuenow={reading.priceFen}
        aria-label={t('auctions.clock.dial')}
      >
        <div
          className="h-full bg-sea-600 transition-[width] duration-100"
          style={{ width: `${share * 100}%` }}
        />
      </div>
      <p className="mt-2 flex justify-between text-xs text-slate-600">
        <span>
          {t('auctions.clock.floor')} {priceText(clock.floorPriceFen, currency, unit, locale)}
        </span>
        <span>{t('auctions.clock.round', { n: clock.round + 1 })}</span>
      </p>
    </div>
  );
}

/** hh:mm:ss in the market's time: the same on server and browser. */
function clockTime(iso: string): string {
  return marketClock(new Date(iso));
}

export function BidHistory({
  bids,
  currency,
  unit,
  myBidder,
  displayUnit,
  caseNetGrams,
}: {
  bids: PublicAuction['bids'];
  currency: string;
  unit: QuantityUnit;
  myBidder: number | null;
  displayUnit: QuantityUnit;
  caseNetGrams: number | null;
}) {
  const t = useT();
  const locale = useLocale();
  if (bids.length === 0) return <p className="text-sm text-slate-500">{t('auctions.history.empty')}</p>;
  return (
    <ol className="divide-y divide-slate-100 text-sm" data-testid="bid-history">
      {[...bids].reverse().map((bid) => (
        <li key={bid.seq} className="flex flex-wrap items-baseline justify-between gap-2 py-2">
          <span className="min-w-0">
            <span className="font-medium">
              {bid.bidder === null
                ? '—'
                : bid.bidder === myBidder
                  ? t('auctions.you')
                  : t('auctions.bidderN', { n: bid.bidder })}
            </span>{' '}
            <span className="text-slate-500">{t(`auctions.kind.${bid.kind}`)}</span>
            {bid.quantity ? (
              <span className="text-slate-500">
                {' '}
                ·{' '}
                {formatQuantity(bid.quantity, displayUnit, locale, {
                  caseNetGrams: caseNetGrams ?? undefined,
                })}
              </span>
            ) : null}
          </span>
          <span className="flex items-baseline gap-2">
            {bid.amountFen !== null ? (
              <span className="tabular-nums">{priceText(bid.amountFen, currency, unit, locale)}</span>
            ) : (
              <span className="text-slate-500">{t('auctions.hidden')}</span>
            )}
            <span className={bid.status === 'rejected' ? 'text-red-600' : 'text-slate-600'}>
              {t(`auctions.outcome.${bid.outcome}` as KeyIn<'auctions.outcome'>)}
            </span>
            <time className="text-xs text-slate-500" dateTime={bid.at}>
              {clockTime(bid.at)}
            </time>
          </span>
        </li>
      ))}
    </ol>
  );
}
