// Showing demand and quote prices the way the trader typed them ("¥4.20/斤"); shared by pages, notifications and the server.
import { formatMoney } from '../lib/money';
import type { AttributeDefinition as Attribute } from '../listings/catalogue';
import type { WantedValue as Wanted } from '../matching/score';
import { type UnitLocale, type WeightPriceUnit, pricePerUnit, unitLabel } from '../lib/units';
import { type MoneyParam, moneyParam } from '../notify/render';

/** A price stored per kg (or per piece) shown per `unit` (kg, jin, t or piece). */
export function priceLabel(fenPerBase: number, unit: string, locale: UnitLocale = 'zh-CN'): string {
  if (unit === 'piece') return `${formatMoney(fenPerBase, 'CNY', locale)}/${unitLabel('piece', locale)}`;
  const weightUnit = (['kg', 'jin', 't'].includes(unit) ? unit : 'kg') as WeightPriceUnit;
  return `${formatMoney(pricePerUnit(fenPerBase, weightUnit), 'CNY', locale)}/${unitLabel(weightUnit, locale)}`;
}

/** The same price for a notification, stored raw (fen per unit, unit) and shown in each reader's language. */
export function priceParam(fenPerBase: number, unit: string): MoneyParam {
  if (unit === 'piece') return moneyParam(fenPerBase, 'CNY', 'piece');
  const weightUnit = (['kg', 'jin', 't'].includes(unit) ? unit : 'kg') as WeightPriceUnit;
  return moneyParam(pricePerUnit(fenPerBase, weightUnit), 'CNY', weightUnit);
}

/** The number a price field shows again for editing or countering ("4.20" for ¥4.20/斤). */
export function priceInput(fenPerBase: number, unit: string): string {
  const fen =
    unit === 'piece'
      ? fenPerBase
      : pricePerUnit(fenPerBase, (['kg', 'jin', 't'].includes(unit) ? unit : 'kg') as WeightPriceUnit);
  return (fen / 100).toFixed(2);
}

export type Label = { zh: string; en: string };

/** A demand's wanted spec as labelled rows: "规格 40/50 头/公斤 或 50/60 头/公斤", "糖度 15–18 °Bx". */
export function demandSpecRows(
  attributes: Attribute[],
  spec: Record<string, Wanted>,
): { key: string; label: Label; value: Label }[] {
  const rows: { key: string; label: Label; value: Label }[] = [];
  for (const attribute of attributes) {
    const wanted = spec[attribute.key];
    if (wanted === undefined) continue;
    let value: Label;
    if (Array.isArray(wanted)) {
      const labels = wanted.map(
        (v) =>
          (attribute.type === 'enum' ? attribute.options.find((o) => o.value === v)?.label : null) ?? {
            zh: v,
            en: v,
          },
      );
      value = { zh: labels.map((l) => l.zh).join(' 或 '), en: labels.map((l) => l.en).join(' or ') };
    } else if (typeof wanted === 'object') {
      const unit = attribute.type === 'number' && attribute.unit ? ` ${attribute.unit}` : '';
      const { min, max } = wanted;
      const text =
        min !== undefined && max !== undefined
          ? min === max
            ? `${min}${unit}`
            : `${min}–${max}${unit}`
          : min !== undefined
            ? `≥ ${min}${unit}`
            : `≤ ${max}${unit}`;
      value = { zh: text, en: text };
    } else {
      value = { zh: wanted, en: wanted };
    }
    rows.push({ key: attribute.key, label: attribute.label, value });
  }
  return rows;
}
