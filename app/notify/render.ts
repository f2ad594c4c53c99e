// Rendering a notification in one language: the shared step of the inbox, e-mails and webhook bodies.
import { type Locale, type Translate, translator } from '../lib/i18n';

export type Params = Record<string, string | number>;

/**
 * Parameters are stored once and shown in each reader's language: a `role` is a role name, and a value
 * written `t:<message key>` (e.g. `t:notify.outcome.refund_full`) is translated. Anything else
 * (lot titles, formatted prices, order numbers) is shown as given.
 */
export function localizeParams(t: Translate, params: Params): Params {
  const out: Params = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' && value.startsWith('t:')) out[name] = t(value.slice(2));
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
  const localized = localizeParams(t, params);
  return {
    title: t(`notification.${type}.title`, localized),
    body: t(`notification.${type}.body`, localized),
  };
}
