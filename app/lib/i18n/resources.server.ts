// The dictionaries, server side only: built from the area modules, one i18next resource bundle per locale,
// each with a content hash for its immutable URL (/locales/<locale>.<hash>.json). The browser never bundles
// this module (a `.server` module is empty in the client build), so it never holds both languages.
import { createHash } from 'node:crypto';
import * as approvals from './approvals';
import * as auctions from './auctions';
import * as b2b from './b2b';
import * as coldchain from './coldchain';
import * as compliance from './compliance';
import * as demand from './demand';
import * as erasure from './erasure';
import * as exchange from './exchange';
import * as farming from './farming';
import * as fairs from './fairs';
import type { Locale } from './index';
import * as invoice from './invoice';
import * as listing from './listing';
import * as market from './market';
import * as core from './messages';
import * as notify from './notify';
import * as operator from './operator';
import * as orders from './orders';
import * as prices from './prices';
import * as privacy from './privacy';
import * as repeat from './repeat';
import * as terms from './terms';
import * as sell from './sell';
import * as sellers from './sellers';
import * as trust from './trust';

/** Each area keeps its strings in its own module; every module has the same keys in both languages. */
const areas = [
  core,
  listing,
  market,
  sell,
  orders,
  operator,
  invoice,
  auctions,
  demand,
  coldchain,
  trust,
  notify,
  prices,
  exchange,
  compliance,
  sellers,
  erasure,
  privacy,
  farming,
  fairs,
  b2b,
  approvals,
  repeat,
  terms,
];

export const dictionaries: Record<Locale, Record<string, string>> = {
  'zh-CN': Object.assign({}, ...areas.map((area) => area.zhCN)),
  en: Object.assign({}, ...areas.map((area) => area.en)),
};

const bodies = {
  'zh-CN': JSON.stringify(dictionaries['zh-CN']),
  en: JSON.stringify(dictionaries.en),
} satisfies Record<Locale, string>;

const hashes = {
  'zh-CN': createHash('sha256').update(bodies['zh-CN']).digest('hex').slice(0, 12),
  en: createHash('sha256').update(bodies.en).digest('hex').slice(0, 12),
} satisfies Record<Locale, string>;

/** The JSON of one locale's strings, as served to the browser. */
export function localeResourcesBody(locale: Locale): string {
  return bodies[locale];
}

export function localeResourcesHash(locale: Locale): string {
  return hashes[locale];
}

/** Where the browser loads one locale's strings: the hash changes with the text, so the file caches forever. */
export function localeResourcesHref(locale: Locale): string {
  return `/locales/${locale}.${hashes[locale]}.json`;
}
