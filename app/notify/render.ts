// Rendering a notification in one language: the shared step of the inbox, e-mails and webhook bodies.
import { type Locale, type Translate, translator } from '../lib/i18n';

export type Params = Record<string, string | number>;

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
 * written `t:<message key>` (e.g. `t:notify.outcome.refund_full`) is translated, and one made by
 * `inEachLanguage` shows the reader's text. Anything else (lot titles, formatted prices, order
 * numbers) is shown as given.
 */
export function localizeParams(t: Translate, params: Params, locale: Locale = 'zh-CN'): Params {
  const out: Params = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' && value.startsWith('t:')) out[name] = t(value.slice(2));
    else if (typeof value === 'string' && value.startsWith(IN_EACH_LANGUAGE)) out[name] = pick(value, locale);
    else if (name === 'role' && typeof value === 'string') out[name] = t(`role.${value}`);
    else out[name] = value;
  }
  return out;
}

export function renderNotification(
  locale: Locale,
  type: string,
  params: Params,
): { title: string; body: string } {
  const t = translator(locale);
  const localized = localizeParams(t, params, locale);
  return {
    title: t(`notification.${type}.title`, localized),
    body: t(`notification.${type}.body`, localized),
  };
}
