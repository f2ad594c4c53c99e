// Rendering a notification in one language: the shared step of the inbox, e-mails and webhook bodies.
import { type KeyIn, type Locale, type Translate, storedKey, translator } from '../lib/i18n';
import { type Currency, formatMoney } from '../lib/money';
import { type QuantityUnit, unitLabel } from '../lib/units';

/**
 * An amount stored raw (integer fen and the currency); with `per` it is a unit price. Formatted when the
 * notification is shown, in the reader's language: ¥30.50/公斤 for a Chinese reader, CN¥30.50/kg in English.
 */
export type MoneyParam = { fen: number; currency: Currency; per?: QuantityUnit };
export type ParamValue = string | number | MoneyParam;
/** Parameters as stored on the event (and sent raw in webhook bodies). */
export type Params = Record<string, ParamValue>;
/** Parameters ready for a template: every value a string or a number. */
export type TextParams = Record<string, string | number>;

export function moneyParam(fen: number, currency: string, per?: QuantityUnit): MoneyParam {
  return per ? { fen, currency: currency as Currency, per } : { fen, currency: currency as Currency };
}

function isMoneyParam(value: unknown): value is MoneyParam {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as MoneyParam).fen === 'number' &&
    typeof (value as MoneyParam).currency === 'string'
  );
}

export function formatMoneyParam(value: MoneyParam, locale: Locale): string {
  const amount = formatMoney(value.fen, value.currency, locale);
  return value.per ? `${amount}/${unitLabel(value.per, locale)}` : amount;
}

const UNITS: QuantityUnit[] = ['g', 'kg', 'jin', 't', 'case', 'piece'];
/** Chinese unit words as rows raised before parameters were stored raw wrote them (¥30.50/公斤). */
const LEGACY_UNIT = new Map(UNITS.map((unit) => [unitLabel(unit, 'zh-CN'), unit]));

/** A price stored already formatted in Chinese by an older version: its unit word follows the reader. */
function legacyPrice(value: string, locale: Locale): string {
  if (locale === 'zh-CN') return value;
  const match = /^(.*\d)\/([^/\d\s]+)$/.exec(value);
  const unit = match ? LEGACY_UNIT.get(match[2]) : undefined;
  return match && unit ? `${match[1]}/${unitLabel(unit, locale)}` : value;
}

const IN_EACH_LANGUAGE = 'l:';

/** A parameter written out in both languages by the code that raises the event (e.g. screening's reasons). */
export function inEachLanguage(texts: Record<Locale, string>): string {
  return `${IN_EACH_LANGUAGE}${JSON.stringify(texts)}`;
}

function pick(value: string, locale: Locale): string {
  try {
    const texts = JSON.parse(value.slice(IN_EACH_LANGUAGE.length)) as Partial<Record<Locale, string>>;
    return texts[locale] ?? texts['zh-CN'] ?? '';
  } catch {
    return value;
  }
}

/**
 * Parameters are stored once and shown in each reader's language: a `role` is a role name, a value
 * written `t:<message key>` (e.g. `t:notify.outcome.refund_full`) is translated, one made by
 * `inEachLanguage` shows the reader's text, and a `moneyParam` is formatted for the reader. Anything else
 * (lot titles, order numbers, counts) is shown as given.
 */
export function localizeParams(t: Translate, params: Params, locale: Locale = 'zh-CN'): TextParams {
  const out: TextParams = {};
  for (const [name, value] of Object.entries(params)) {
    if (isMoneyParam(value)) out[name] = formatMoneyParam(value, locale);
    else if (typeof value === 'object' || value === null) out[name] = '';
    else if (typeof value === 'string' && value.startsWith('t:')) out[name] = t(storedKey(value.slice(2)));
    else if (typeof value === 'string' && value.startsWith(IN_EACH_LANGUAGE)) out[name] = pick(value, locale);
    else if (name === 'role' && typeof value === 'string') out[name] = t(`role.${value}` as KeyIn<'role'>);
    else if (name === 'maxC' && typeof value === 'string') out[name] = value.replace(/\s*°C$/, '');
    else if ((name === 'price' || name === 'amount') && typeof value === 'string')
      out[name] = legacyPrice(value, locale);
    else out[name] = value;
  }
  return out;
}

/** The title and body keys of a notification type (the catalogue's types all have both: tests/unit/notify). */
export function notificationKeys(type: string) {
  return {
    title: `notification.${type}.title` as KeyIn<'notification'>,
    body: `notification.${type}.body` as KeyIn<'notification'>,
  };
}

export function renderNotification(
  locale: Locale,
  type: string,
  params: Params,
): { title: string; body: string } {
  const t = translator(locale);
  const localized = localizeParams(t, params, locale);
  const keys = notificationKeys(type);
  return { title: t(keys.title, localized), body: t(keys.body, localized) };
}
