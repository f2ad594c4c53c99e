// A lot's trace as a vertical timeline: each step with its time, place, quantity, certificate and temperatures.
import { useLocale, useT, type KeyIn } from '~/lib/i18n';
import { type QuantityUnit, unitLabel } from '~/lib/units';

export type TimelineStep = {
  id: string;
  step: string;
  timeLabel: string;
  place: string | null;
  quantity: number | null;
  uom: string | null;
  certificates: string[];
  sensor: { minC: number; maxC: number; excursions: number } | null;
};

/** EPCIS units of measure (UN/CEFACT codes) as the market's own units, named in the reader's language. */
const UOM_UNIT: Record<string, QuantityUnit> = { KGM: 'kg', H87: 'piece' };

export function TraceTimeline({ steps }: { steps: TimelineStep[] }) {
  const t = useT();
  const locale = useLocale();
  const uomLabel = (uom: string | null) => {
    const unit = UOM_UNIT[uom ?? ''];
    return unit ? unitLabel(unit, locale) : uom;
  };
  return (
    <ol className="relative space-y-4 border-l-2 border-sea-200 pl-5" data-testid="trace-timeline">
      {steps.map((step) => (
        <li key={step.id} className="relative" data-step={step.step}>
          <span className="absolute top-1 -left-[27px] size-3 rounded-full border-2 border-white bg-sea-600" />
          <p className="font-semibold text-slate-900">
            {t(`trace.step.${step.step}` as KeyIn<'trace.step'>)}
          </p>
          <p className="text-xs text-slate-500">
            {step.timeLabel}
            {step.place ? ` · ${step.place}` : ''}
          </p>
          {step.quantity !== null ? (
            <p className="text-sm text-slate-700 tabular-nums">
              {step.quantity} {uomLabel(step.uom)}
            </p>
          ) : null}
          {step.certificates.length ? (
            <p className="font-mono text-xs break-all text-slate-600">{step.certificates.join('、')}</p>
          ) : null}
          {step.sensor ? (
            <p className="text-sm text-slate-700">
              {t('trace.temperatureValue', {
                min: step.sensor.minC,
                max: step.sensor.maxC,
                count: step.sensor.excursions,
              })}
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
