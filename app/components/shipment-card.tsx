// One booking as a card: order, lot, route, cargo, windows, vehicle and status; the desk adds its forms below.
import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';
import { listingTitle } from '~/components/listing-form';
import { formatTime } from '~/components/notification';
import { Badge } from '~/components/ui';
import { useLocale, useT, type KeyIn } from '~/lib/i18n';

export type ShipmentCardData = {
  id: string;
  orderId: string;
  orderShortId: string;
  status: string;
  titleZh: string | null;
  titleEn: string | null;
  route: string;
  pickupPlace: string;
  dropoffPlace: string;
  tempClass: string;
  weightKg: number;
  pallets: number;
  pickupFrom: string;
  pickupUntil: string;
  deliverBy: string;
  plate: string | null;
  extraKm: number | null;
};

const TONE: Record<string, 'slate' | 'green' | 'amber' | 'red' | 'sea'> = {
  requested: 'amber',
  offered: 'amber',
  accepted: 'sea',
  picked_up: 'sea',
  delivered: 'green',
  unmatched: 'red',
  cancelled: 'slate',
};

export function BookingStatusBadge({ status }: { status: string }) {
  const t = useT();
  return (
    <Badge tone={TONE[status] ?? 'slate'}>
      {t(`coldchain.status.${status}` as KeyIn<'coldchain.status'>)}
    </Badge>
  );
}

export function ShipmentCard({ card, children }: { card: ShipmentCardData; children?: ReactNode }) {
  const t = useT();
  const locale = useLocale();
  const time = (iso: string) => formatTime(iso, locale);
  return (
    <article
      className="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm"
      data-testid="shipment-card"
      data-booking={card.id}
      data-status={card.status}
    >
      <div className="flex flex-wrap items-center gap-2">
        <Link to={`/orders/${card.orderId}`} className="font-semibold text-sea-800 hover:underline">
          {t('coldchain.booking.order', { id: card.orderShortId })}
        </Link>
        <BookingStatusBadge status={card.status} />
      </div>
      <p className="mt-1 break-words text-slate-700">{listingTitle(card, locale)}</p>
      <dl className="mt-2 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1">
        <dt className="text-slate-500">{t('coldchain.booking.route')}</dt>
        <dd className="min-w-0">
          <span className="font-medium">{card.route}</span>
          <span className="block text-xs break-words text-slate-500">
            {card.pickupPlace} → {card.dropoffPlace}
          </span>
        </dd>
        <dt className="text-slate-500">{t('coldchain.booking.cargo')}</dt>
        <dd className="tabular-nums">
          {t(`coldchain.class.${card.tempClass}` as KeyIn<'coldchain.class'>)} ·{' '}
          {t('coldchain.booking.cargoValue', { kg: card.weightKg, count: card.pallets })}
        </dd>
        <dt className="text-slate-500">{t('coldchain.booking.pickupWindow')}</dt>
        <dd>
          {time(card.pickupFrom)} – {time(card.pickupUntil)}
        </dd>
        <dt className="text-slate-500">{t('coldchain.booking.deliverBy')}</dt>
        <dd>{time(card.deliverBy)}</dd>
        {card.plate ? (
          <>
            <dt className="text-slate-500">{t('coldchain.booking.vehicle')}</dt>
            <dd>
              <span className="font-mono" data-testid="booking-plate">
                {card.plate}
              </span>
              {card.extraKm !== null ? (
                <span className="ml-2 text-xs text-slate-500">
                  {t('coldchain.booking.extraKm', { km: Math.round(card.extraKm) })}
                </span>
              ) : null}
            </dd>
          </>
        ) : null}
      </dl>
      {children}
    </article>
  );
}
