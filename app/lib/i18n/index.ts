// Translation: the locale list, a translator for a locale, and the React hook that pages use.
import { createContext, useContext } from 'react';
import * as auctions from './auctions';
import * as coldchain from './coldchain';
import * as demand from './demand';
import * as invoice from './invoice';
import * as listing from './listing';
import * as market from './market';
import { type MessageKey as CoreKey, en, zhCN } from './messages';
import * as notify from './notify';
import * as operator from './operator';
import * as orders from './orders';
import * as sell from './sell';
import * as trust from './trust';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** Each area keeps its strings in its own module; every module has the same keys in both languages. */
const areas = [listing, market, sell, orders, operator, invoice, auctions, demand, coldchain, trust, notify];
export type MessageKey =
  | CoreKey
  | keyof typeof listing.zhCN
  | keyof typeof market.zhCN
  | keyof typeof sell.zhCN
  | keyof typeof orders.zhCN
  | keyof typeof operator.zhCN
  | keyof typeof invoice.zhCN
  | keyof typeof auctions.zhCN
  | keyof typeof demand.zhCN
  | keyof typeof coldchain.zhCN
  | keyof typeof trust.zhCN
  | keyof typeof notify.zhCN;

const dictionaries: Record<Locale, Record<string, string>> = {
  'zh-CN': Object.assign({}, zhCN, ...areas.map((area) => area.zhCN)),
  en: Object.assign({}, en, ...areas.map((area) => area.en)),
};

/** Every dictionary, for the completeness test. */
export const allMessages = dictionaries;

export type Translate = (key: MessageKey | string, params?: Record<string, string | number>) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function translator(locale: Locale): Translate {
  const dictionary = dictionaries[locale];
  return (key, params) => {
    const template =
      (dictionary as Record<string, string>)[key] ?? (zhCN as Record<string, string>)[key] ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (match, name: string) =>
      name in params ? String(params[name]) : match,
    );
  };
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
  return translator(useLocale());
}
