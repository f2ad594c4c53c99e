// An order's shipment: booking status, vehicle, pickup and delivery, the temperature chart with the class's band, excursions.
import { Form, Link } from '@remix-run/react';
import { SubmitButton } from '~/components/forms';
import { formatTime } from '~/components/notification';
import { BookingStatusBadge } from '~/components/shipment-card';
import { useLocale, useT, type KeyIn } from '~/lib/i18n';
import { marketTimeZone } from '~/lib/market-time';

export type ShipmentView = {
  booking: {
    id: string;
    status: string;
    requestedByOrgId: string;
    tempClass: string;
    route: string;
    pickupPlace: string;
    dropoffPlace: string;
    pickupFrom: string;
    pickupUntil: string;
    deliverBy: string;
    weightKg: number;
    pallets: number;
    plate: string | null;
    pickedUpAt: string | null;
    deliveredAt: string | null;
    pickup: Handover | null;
    delivery: Handover | null;
    band: { minC: number; maxC: number };
    points: { at: number; tempC: number }[];
    summary: { readings: number; minC: number; maxC: number; inBandShare: number } | null;
  } | null;
  excursions: ExcursionView[];
};

type Handover = { id: string; at: string; weightGrams: number | null; photos: number };

export type ExcursionView = {
  id: string;
  startedAt: string;
  minutes: number;
  worstC: number;
};

const W = 640;
const H = 200;
const PAD = { left: 52, right: 12, top: 12, bottom: 30 };

/** Temperatures over time as an inline SVG line, the class's band shaded; no chart library. */
export function TemperatureChart({
  points,
  band,
  label,
  locale,
}: {
  points: { at: number; tempC: number }[];
  band: { minC: number; maxC: number };
  label: string;
  locale: string;
}) {
  const t0 = points[0].at;
  const t1 = Math.max(points[points.length - 1].at, t0 + 60_000);
  const temps = points.map((p) => p.tempC);
  const lo = Math.floor(Math.min(band.minC, ...temps) - 2);
  const hi = Math.ceil(Math.max(band.maxC, ...temps) + 2);
  const x = (at: number) => PAD.left + ((at - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (c: number) => PAD.top + ((hi - c) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const path = points
    .map((p, i) => `${i ? 'L' : 'M'}${x(p.at).toFixed(1)},${y(p.tempC).toFixed(1)}`)
    .join(' ');
  const clock = (at: number) =>
    new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: marketTimeZone() }).format(new Date(at));
  const ticks = [lo, band.minC, band.maxC, hi].filter((v, i, all) => all.indexOf(v) === i);
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={label}
      className="h-auto w-full"
      data-testid="temperature-chart"
    >
      <rect
        x={PAD.left}
        width={W - PAD.left - PAD.right}
        y={y(band.maxC)}
        height={Math.max(1, y(band.minC) - y(band.maxC))}
        className="fill-emerald-100"
        data-testid="temperature-band"
      />
      {ticks.map((c) => (
        <g key={c}>
          <line
            x1={PAD.left}
            x2={W - PAD.right}
            y1={y(c)}
            y2={y(c)}
            className="stroke-slate-200"
            strokeWidth={1}
          />
          <text x={PAD.left - 6} y={y(c) + 4} textAnchor="end" className="fill-slate-500 text-[18px]">
            {c}°
          </text>
        </g>
      ))}
      <text x={PAD.left} y={H - 6} className="fill-slate-500 text-[18px]">
        {clock(t0)}
      </text>
      <text x={W - PAD.right} y={H - 6} textAnchor="end" className="fill-slate-500 text-[18px]">
        {clock(t1)}
      </text>
      <path d={path} fill="none" className="stroke-sea-700" strokeWidth={2} />
      {points
        .filter((p) => p.tempC < band.minC || p.tempC > band.maxC)
        .map((p) => (
          <circle key={p.at} cx={x(p.at)} cy={y(p.tempC)} r={2.5} className="fill-red-600" />
        ))}
    </svg>
  );
}

export function ExcursionList({ excursions }: { excursions: ExcursionView[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <ul className="space-y-1 text-sm text-red-800" data-testid="excursions">
      {excursions.map((e) => (
        <li key={e.id} className="rounded-md bg-red-50 px-2 py-1">
          {t('coldchain.excursion.item', {
            from: formatTime(e.startedAt, locale),
            count: e.minutes,
            worst: `${e.worstC.toFixed(1)} °C`,
          })}
        </li>
      ))}
    </ul>
  );
}

function RequestLink({
  href,
  className = '',
  children,
}: {
  href: string;
  className?: string;
  children: string;
}) {
  return (
    <Link
      to={href}
      className={`inline-block rounded-md bg-sea-700 px-4 py-2 font-semibold text-white ${className}`}
      data-testid="request-booking"
    >
      {children}
    </Link>
  );
}

/**
 * `requestHref` links to the booking form (a first request, or a new one after no vehicle fitted or it was called
 * off); `canCancel` shows the requester's form that calls the booking off before pickup.
 */
export function ShipmentPanel({
  shipment,
  requestHref,
  canCancel = false,
}: {
  shipment: ShipmentView;
  requestHref: string | null;
  canCancel?: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const b = shipment.booking;
  const time = (iso: string) => formatTime(iso, locale);
  if (!b)
    return (
      <div className="text-sm" data-testid="shipment">
        <p className="text-slate-600">{t('coldchain.shipment.none')}</p>
        {requestHref ? (
          <RequestLink href={requestHref} className="mt-3">
            {t('coldchain.request.link')}
          </RequestLink>
        ) : null}
      </div>
    );
  const hand = (label: string, h: Handover) => (
    <div>
      <p>
        <span className="text-slate-500">{label}</span> {time(h.at)}
        {h.weightGrams ? ` · ${t('coldchain.shipment.weighed', { kg: h.weightGrams / 1000 })}` : ''}
        {h.photos ? ` · ${t('coldchain.shipment.photos', { count: h.photos })}` : ''}
      </p>
      {h.photos ? (
        <ul className="mt-1 flex flex-wrap gap-2" data-testid="handover-photos">
          {Array.from({ length: h.photos }, (_, n) => `/logistics/handovers/${h.id}/${n}`).map((src) => (
            <li key={src}>
              <a href={src} target="_blank" rel="noreferrer">
                <img
                  src={src}
                  alt={label}
                  loading="lazy"
                  className="h-16 w-16 rounded-md border border-slate-200 object-cover"
                />
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
  return (
    <div className="space-y-3 text-sm" data-testid="shipment" data-status={b.status}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-slate-500">{t('coldchain.shipment.status')}</span>
        <span data-testid="shipment-status">
          <BookingStatusBadge status={b.status} />
        </span>
        {b.plate ? (
          <span className="font-mono" data-testid="shipment-plate">
            {b.plate}
          </span>
        ) : null}
      </div>
      <p>
        <span className="font-medium">{b.route}</span> ·{' '}
        {t(`coldchain.class.${b.tempClass}` as KeyIn<'coldchain.class'>)} ·{' '}
        {t('coldchain.booking.cargoValue', { kg: b.weightKg, count: b.pallets })}
      </p>
      <p className="text-slate-600 break-words">
        {t('coldchain.booking.pickupWindow')} {time(b.pickupFrom)} – {time(b.pickupUntil)} · {b.pickupPlace}
      </p>
      <p className="text-slate-600 break-words">
        {t('coldchain.booking.deliverBy')} {time(b.deliverBy)} · {b.dropoffPlace}
      </p>
      {requestHref || canCancel ? (
        <div className="flex flex-wrap items-center gap-3">
          {requestHref ? <RequestLink href={requestHref}>{t('coldchain.request.again')}</RequestLink> : null}
          {canCancel ? (
            // Two steps, so a stray tap on the market floor does not give the truck's room away; no script needed.
            <details className="group" data-testid="cancel-booking">
              <summary className="inline-block cursor-pointer list-none rounded-md border border-slate-300 bg-white px-4 py-2 font-semibold text-slate-800 shadow-sm hover:bg-slate-50 group-open:mb-2">
                {t('coldchain.cancel.submit')}
              </summary>
              <Form method="post" className="space-y-2 rounded-md border border-red-200 bg-red-50 p-3">
                <p className="text-slate-700">{t('coldchain.cancel.confirmText')}</p>
                <SubmitButton intent="cancel_booking" variant="danger">
                  {t('coldchain.cancel.confirm')}
                </SubmitButton>
              </Form>
            </details>
          ) : null}
        </div>
      ) : null}
      {b.pickup ? hand(t('coldchain.shipment.pickedUp'), b.pickup) : null}
      {b.delivery ? hand(t('coldchain.shipment.delivered'), b.delivery) : null}
      <div>
        <h3 className="font-semibold text-slate-900">{t('coldchain.shipment.temperature')}</h3>
        <p className="text-xs text-slate-500">
          {t('coldchain.shipment.band', {
            class: t(`coldchain.class.${b.tempClass}` as KeyIn<'coldchain.class'>),
            min: b.band.minC,
            max: b.band.maxC,
          })}
        </p>
        {b.points.length > 1 && b.summary ? (
          <>
            <TemperatureChart
              points={b.points}
              band={b.band}
              label={t('coldchain.shipment.chartLabel')}
              locale={locale}
            />
            <p className="text-xs text-slate-600" data-testid="temperature-summary">
              {t('coldchain.shipment.summary', {
                count: b.summary.readings,
                min: b.summary.minC,
                max: b.summary.maxC,
                share: Math.round(b.summary.inBandShare * 100),
              })}
            </p>
          </>
        ) : (
          <p className="text-slate-500">{t('coldchain.shipment.noReadings')}</p>
        )}
      </div>
      {shipment.excursions.length ? (
        <div>
          <h3 className="font-semibold text-red-800">{t('coldchain.excursion.title')}</h3>
          <ExcursionList excursions={shipment.excursions} />
        </div>
      ) : null}
    </div>
  );
}
