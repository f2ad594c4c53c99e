// Translation: the locale list, a translator for a locale, and the React hook that pages use.
// The engine is i18next; the strings stay in the area modules (./<area>.ts, zhCN and en objects), which only
// the server imports (./resources.server.ts). The browser gets its reader's locale alone, as a cacheable
// JSON file loaded before hydration (app/entry.client.tsx, app/routes/locales.$file.ts): ADR 0021.
import { createInstance } from 'i18next';
import { createContext, useContext, useMemo } from 'react';
import type * as approvals from './approvals';
import type * as auctions from './auctions';
import type * as b2b from './b2b';
import type * as coldchain from './coldchain';
import type * as compliance from './compliance';
import type * as demand from './demand';
import type * as erasure from './erasure';
import type * as exchange from './exchange';
import type * as farming from './farming';
import type * as repeat from './repeat';
import type * as terms from './terms';
import type * as fairs from './fairs';
import type * as invoice from './invoice';
import type * as listing from './listing';
import type * as market from './market';
import type * as core from './messages';
import type * as notify from './notify';
import type * as operator from './operator';
import type * as orders from './orders';
import type * as prices from './prices';
import type * as privacy from './privacy';
import * as server from './resources.server';
import type * as sell from './sell';
import type * as sellers from './sellers';
import type * as trust from './trust';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** i18next's plural suffixes: `x_one`/`x_other` in English, `x_other` alone in Chinese; pages ask for `x`. */
type PluralSuffix = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';
type Base<K> = K extends `${infer B}_${PluralSuffix}` ? B : K;
type KeysOf<D> = Base<keyof D & string>;
type PluralsOf<D> = keyof D & string extends infer K ? (K extends `${infer B}_other` ? B : never) : never;

/** Every message key of every area module; `t()` accepts nothing else (an unknown literal fails typecheck). */
export type MessageKey =
  | KeysOf<typeof core.zhCN>
  | KeysOf<typeof listing.zhCN>
  | KeysOf<typeof market.zhCN>
  | KeysOf<typeof sell.zhCN>
  | KeysOf<typeof orders.zhCN>
  | KeysOf<typeof operator.zhCN>
  | KeysOf<typeof invoice.zhCN>
  | KeysOf<typeof auctions.zhCN>
  | KeysOf<typeof exchange.zhCN>
  | KeysOf<typeof demand.zhCN>
  | KeysOf<typeof coldchain.zhCN>
  | KeysOf<typeof trust.zhCN>
  | KeysOf<typeof notify.zhCN>
  | KeysOf<typeof prices.zhCN>
  | KeysOf<typeof sellers.zhCN>
  | KeysOf<typeof erasure.zhCN>
  | KeysOf<typeof compliance.zhCN>
  | KeysOf<typeof sellers.zhCN>
  | KeysOf<typeof privacy.zhCN>
  | KeysOf<typeof farming.zhCN>
  | KeysOf<typeof fairs.zhCN>
  | KeysOf<typeof b2b.zhCN>
  | KeysOf<typeof approvals.zhCN>
  | KeysOf<typeof repeat.zhCN>
  | KeysOf<typeof terms.zhCN>;

/**
 * A key that comes from data (a toast cookie, an error's `messageKey`, a stored `t:` parameter) rather than
 * from code: the compiler cannot check it, so saying so is explicit. An unknown one renders as the key itself.
 */
export function storedKey(key: string): MessageKey {
  return key as MessageKey;
}

/**
 * The keys of one dynamic family, e.g. `KeyIn<'orders.status'>` for `orders.status.${status}`: for a value
 * read from a text column, `t(`orders.status.${status}` as KeyIn<'orders.status'>)` says which family it
 * must belong to. Values typed as a union need no cast: the template-literal key is checked as it is.
 */
export type KeyIn<Family extends string> = Extract<MessageKey, `${Family}.${string}`>;

/**
 * The keys with plural forms (`x_other` in Chinese, `x_one`/`x_other` in English): `t()` must be given
 * their `count`, which picks the form ("1 lot", "3 lots"); forgetting it fails typecheck.
 */
export type PluralKey =
  | PluralsOf<typeof core.zhCN>
  | PluralsOf<typeof listing.zhCN>
  | PluralsOf<typeof market.zhCN>
  | PluralsOf<typeof sell.zhCN>
  | PluralsOf<typeof orders.zhCN>
  | PluralsOf<typeof operator.zhCN>
  | PluralsOf<typeof invoice.zhCN>
  | PluralsOf<typeof auctions.zhCN>
  | PluralsOf<typeof demand.zhCN>
  | PluralsOf<typeof coldchain.zhCN>
  | PluralsOf<typeof trust.zhCN>
  | PluralsOf<typeof notify.zhCN>
  | PluralsOf<typeof prices.zhCN>
  | PluralsOf<typeof sellers.zhCN>
  | PluralsOf<typeof privacy.zhCN>
  | PluralsOf<typeof farming.zhCN>
  | PluralsOf<typeof fairs.zhCN>
  | PluralsOf<typeof b2b.zhCN>
  | PluralsOf<typeof approvals.zhCN>
  | PluralsOf<typeof repeat.zhCN>
  | PluralsOf<typeof terms.zhCN>;

/** Placeholder values; `count` also picks the plural form, so it must be a number. */
export type Params = Record<string, string | number> & { count?: number };
/** A plural key takes `{ count }`; any other key takes optional placeholder values. */
type ParamsFor<K extends MessageKey> = K extends PluralKey
  ? [params: Params & { count: number }]
  : [params?: Params];
export type Translate = <K extends MessageKey>(key: K, ...params: ParamsFor<K>) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * The one i18next instance of the process (server) or page (browser). It holds no language state that a
 * request could change; `translator` reads the same strings directly (below).
 */
export const i18n = createInstance();
void i18n.init({
  resources: {},
  lng: DEFAULT_LOCALE,
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: [...LOCALES],
  initImmediate: false,
  // Keys are flat ("market.results"), and may hold dots and colons.
  keySeparator: false,
  nsSeparator: false,
  returnNull: false,
  interpolation: {
    // Our strings say {name}; React escapes what it renders, e-mails escape in their own step.
    prefix: '{',
    suffix: '}',
    escapeValue: false,
    // A placeholder without a value stays visible ("Welcome, {name}") instead of vanishing.
    skipOnVariables: true,
  },
  missingInterpolationHandler: (_text: string, match: RegExpExecArray) => match[0],
});

/**
 * Each locale's strings as added, for `translator`'s direct lookups: i18next's own `t` resolved the language
 * hierarchy and built its option objects on every call, which cost a market page of 24 lots about an eighth of
 * its render time (issue #22, `ssr-market`). i18next keeps the same bundles; tests/unit/i18n-translate.test.ts
 * checks that every key translates here exactly as i18next translates it.
 */
const dictionaries = new Map<Locale, Record<string, string>>();
const pluralRules = new Map<Locale, Intl.PluralRules>();

/** Adds one locale's strings (the server adds both at start; the browser adds its reader's before hydration). */
export function addLocaleResources(locale: Locale, resources: Record<string, string>): void {
  i18n.addResourceBundle(locale, 'translation', resources, true, true);
  dictionaries.set(locale, { ...dictionaries.get(locale), ...resources });
}

export function hasLocaleResources(locale: Locale): boolean {
  return i18n.hasResourceBundle(locale, 'translation');
}

// On the server the dictionaries are loaded here; in the browser build `./resources.server` is an empty module.
if (server.dictionaries) {
  for (const locale of LOCALES) addLocaleResources(locale, server.dictionaries[locale]);
}

/** Every dictionary (server only: undefined in the browser), for the completeness tests. */
export const allMessages = server.dictionaries;

/** A placeholder as i18next reads one with our `{`/`}` delimiters: the name is trimmed. */
const PLACEHOLDER = /\{(.+?)\}/g;

function pluralSuffix(locale: Locale, count: number): string {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return rules.select(count);
}

/**
 * The string for a key as i18next resolves it: the reader's locale, then the default one; in each, the plural
 * form for `count` (`x_one`, `x_other`) before the bare key. Undefined when no locale has it.
 */
function lookup(codes: readonly Locale[], key: string, count: number | undefined): string | undefined {
  for (const code of codes) {
    const dictionary = dictionaries.get(code);
    if (!dictionary) continue;
    if (count !== undefined) {
      const plural = dictionary[`${key}_${pluralSuffix(code, count)}`];
      if (plural !== undefined) return plural;
    }
    const found = dictionary[key];
    if (found !== undefined) return found;
  }
  return undefined;
}

export function translator(locale: Locale): Translate {
  const codes: readonly Locale[] = locale === DEFAULT_LOCALE ? [locale] : [locale, DEFAULT_LOCALE];
  const t = (key: MessageKey, params?: Params) => {
    if (!params) return lookup(codes, key, undefined) ?? key;
    const count = typeof params.count === 'number' ? params.count : undefined;
    const text = lookup(codes, key, count);
    if (text === undefined) return key;
    // One pass: a value that itself holds `{x}` is not read again (i18next's skipOnVariables); a placeholder
    // without a value stays visible ("Welcome, {name}").
    return text.replace(PLACEHOLDER, (match, name: string) => {
      const value = (params as Record<string, unknown>)[name.trim()];
      if (value === undefined) return match;
      return value === null ? '' : String(value);
    });
  };
  return t as Translate;
}

/** Picks the best supported locale from an Accept-Language header. */
export function localeFromAcceptLanguage(header: string | null): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().split(';');
      const q = rest.find((p) => p.trim().startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return null;
}

export const LocaleContext = createContext<Locale>(DEFAULT_LOCALE);

export function useLocale(): Locale {
  return useContext(LocaleContext);
}

export function useT(): Translate {
  const locale = useLocale();
  return useMemo(() => translator(locale), [locale]);
}

/** Browser: fetches one locale's strings (the file the page named) and adds them to i18next. */
export async function loadLocaleResources(locale: Locale, href: string): Promise<void> {
  const response = await fetch(href, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`language file ${href}: ${response.status}`);
  addLocaleResources(locale, (await response.json()) as Record<string, string>);
}
