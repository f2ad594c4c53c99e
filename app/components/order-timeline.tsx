// An order's status badge and its timeline: every step with when (market time), who, from → to, why and the figures.
import { formatTime } from '~/components/notification';
import { Badge } from '~/components/ui';
import { useLocale, useT, type KeyIn } from '~/lib/i18n';
import { type Currency, formatMoney, ratioToDecimal } from '~/lib/money';
import { type QuantityUnit, formatQuantity } from '~/lib/units';

type Status =
  | 'pending_payment'
  | 'paid'
  | 'shipping'
  | 'delivered'
  | 'completed'
  | 'disputed'
  | 'resolved'
  | 'cancelled'
  | 'awaiting_approval';

const STATUS_TONE: Record<Status, 'slate' | 'green' | 'amber' | 'red' | 'sea'> = {
  pending_payment: 'amber',
  paid: 'sea',
  shipping: 'sea',
  delivered: 'sea',
  completed: 'green',
  disputed: 'red',
  resolved: 'slate',
  cancelled: 'slate',
  awaiting_approval: 'amber',
};

export function OrderStatusBadge({ status }: { status: Status }) {
  const t = useT();
  return (
    <Badge tone={STATUS_TONE[status]}>
      <span data-testid="order-status">{t(`orders.status.${status}`)}</span>
    </Badge>
  );
}

/** Basis points as a percentage with at most two decimals: 300 → '3', 160 → '1.6'. */
export function percentOfBps(bps: number): string {
  return ratioToDecimal(BigInt(bps), 100n, 2, true);
}

export type TimelineEntryView = {
  id: string;
  at: string;
  kind: string;
  actorName: string | null;
  actorOrgName: string | null;
  nameWithheld?: boolean;
  party: string | null;
  fromStatus: Status | null;
  toStatus: Status | null;
  reason: string | null;
  reference: string | null;
  weighing: { deliveredQuantity: number; finalTotalFen: number; deviationBps: number } | null;
  settledFen: number | null;
  refundFen: number | null;
  shortfall: number | null;
  outcome: string | null;
  handover?: string | null;
};

export function OrderTimeline({
  entries,
  currency,
  displayUnit,
  caseNetGrams,
  toleranceBps,
}: {
  entries: TimelineEntryView[];
  currency: Currency;
  displayUnit: QuantityUnit;
  caseNetGrams: number | null;
  toleranceBps: number;
}) {
  const t = useT();
  const locale = useLocale();
  const money = (fen: number) => formatMoney(fen, currency, locale);
  const quantity = (value: number) =>
    formatQuantity(value, displayUnit, locale, { caseNetGrams: caseNetGrams ?? undefined });
  const who = (entry: TimelineEntryView) => {
    // No user: a worker took the step (the unpaid deadline, the end of the inspection window), or a person who
    // keeps their name from the other side (only their organisation shows).
    if (!entry.actorName)
      return entry.nameWithheld && entry.actorOrgName ? entry.actorOrgName : t('orders.timeline.system');
    const side = entry.actorOrgName ?? (entry.party === 'operator' ? t('orders.timeline.operator') : null);
    return side ? `${entry.actorName} · ${side}` : entry.actorName;
  };

  return (
    <ol className="relative ml-2 border-l-2 border-slate-200" data-testid="order-timeline">
      {entries.map((entry) => (
        <li key={entry.id} className="relative mb-5 pl-5 last:mb-0" data-testid="timeline-entry">
          <span
            aria-hidden
            className="absolute top-1.5 -left-[7px] size-3 rounded-full border-2 border-white bg-sea-600 ring-1 ring-sea-600"
          />
          <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
            <p className="font-semibold text-slate-900">
              {t(
                (entry.handover
                  ? `orders.event.${entry.kind}.${entry.handover}`
                  : `orders.event.${entry.kind}`) as KeyIn<'orders.event'>,
              )}
            </p>
            {entry.fromStatus && entry.toStatus ? (
              <p className="text-xs text-slate-500">
                {t(`orders.status.${entry.fromStatus}`)} → {t(`orders.status.${entry.toStatus}`)}
              </p>
            ) : null}
          </div>
          <p className="mt-0.5 text-xs text-slate-500">
            <time dateTime={entry.at}>{formatTime(entry.at, locale)}</time> · {who(entry)}
          </p>
          {entry.reason && entry.kind !== 'payout_recorded' ? (
            <p className="mt-1 text-sm break-words whitespace-pre-line text-slate-700">{entry.reason}</p>
          ) : null}
          {entry.reference ? (
            <p className="mt-1 text-sm text-slate-700">
              {t('orders.timeline.reference', { reference: entry.reference })}
            </p>
          ) : null}
          {entry.weighing ? (
            <div className="mt-1 text-sm text-slate-700">
              <p>
                {t('orders.timeline.weighed', {
                  quantity: quantity(entry.weighing.deliveredQuantity),
                  total: money(entry.weighing.finalTotalFen),
                })}
              </p>
              <p className="text-xs text-slate-500">
                {t('orders.timeline.deviation', {
                  percent: percentOfBps(entry.weighing.deviationBps),
                  tolerance: percentOfBps(toleranceBps),
                })}
              </p>
            </div>
          ) : null}
          {entry.outcome ? (
            <p className="mt-1 text-sm text-slate-700">
              {t('orders.timeline.outcome', {
                outcome: t(`orders.outcome.${entry.outcome}` as KeyIn<'orders.outcome'>),
              })}
            </p>
          ) : null}
          {entry.settledFen !== null && entry.settledFen > 0 ? (
            <p className="mt-1 text-sm text-slate-700">
              {t('orders.timeline.settled', { total: money(entry.settledFen) })}
            </p>
          ) : null}
          {entry.refundFen !== null ? (
            <p className="mt-1 text-sm font-medium text-emerald-700" data-testid="timeline-refund">
              {entry.shortfall
                ? t('orders.timeline.shortfallRefund', {
                    quantity: quantity(entry.shortfall),
                    amount: money(entry.refundFen),
                  })
                : t('orders.timeline.refund', { amount: money(entry.refundFen) })}
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
