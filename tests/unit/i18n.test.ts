// Every UI string exists in both languages with the same placeholders; language negotiation picks sensibly.
import { describe, expect, it } from 'vitest';
import { allMessages, localeFromAcceptLanguage, translator } from '../../app/lib/i18n';
import { queueNames } from '../../workers/queues';

const zhCN = allMessages['zh-CN'];
const en = allMessages.en;

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('messages', () => {
  it('has the same keys in Chinese and English (English adds x_one beside each plural x_other), none empty', () => {
    const englishOnly = Object.keys(zhCN)
      .filter((key) => key.endsWith('_other'))
      .map((key) => key.replace(/_other$/, '_one'));
    expect(Object.keys(en).sort()).toEqual([...Object.keys(zhCN), ...englishOnly].sort());
    for (const [key, text] of [...Object.entries(zhCN), ...Object.entries(en)]) {
      expect(text.trim(), key).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    for (const key of Object.keys(zhCN)) {
      expect(placeholders(en[key]), key).toEqual(placeholders(zhCN[key]));
    }
    // A singular may spell its number out ("rejected once"), but says nothing the plural does not.
    for (const key of Object.keys(en).filter((k) => k.endsWith('_one'))) {
      const other = placeholders(en[key.replace(/_one$/, '_other')]);
      for (const name of placeholders(en[key])) expect(other, key).toContain(name);
      expect(other, key).toContain('count');
    }
  });

  it('names every queue for the operator in both languages, and never as a raw code or abbreviation', () => {
    for (const name of queueNames) {
      expect(zhCN[`console.queue.${name}`], name).toMatch(/\p{Script=Han}/u);
      expect(en[`console.queue.${name}`], name).toBeTruthy();
    }
    for (const [key, text] of Object.entries(zhCN)) expect(text, key).not.toMatch(/\bMADs?\b/);
    for (const [key, text] of Object.entries(en)) expect(text, key).not.toMatch(/\bMADs?\b/);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    const t = translator('zh-CN');
    expect(t('dashboard.welcome', { name: '王小明' })).toBe('欢迎，王小明');
    expect(translator('en')('dashboard.welcome', {})).toBe('Welcome, {name}');
  });

  it('has Chinese that is Chinese: the zh-CN strings of the UI contain Han characters', () => {
    const latinOnly = Object.entries(zhCN).filter(
      ([key, text]) => !/\p{Script=Han}/u.test(text) && !key.startsWith('lang.'),
    );
    expect(latinOnly).toEqual([]);
  });
});

describe('plurals', () => {
  const english = translator('en');
  const chinese = translator('zh-CN');

  it('picks the English singular for one and the plural otherwise', () => {
    expect(english('auctions.bidders', { count: 1 })).toBe('1 bidder');
    expect(english('auctions.bidders', { count: 2 })).toBe('2 bidders');
    expect(english('market.results', { count: 1 })).toBe('1 lot');
    expect(english('market.results', { count: 3 })).toBe('3 lots');
    expect(english('market.results', { count: 0 })).toBe('0 lots');
    expect(english('market.resultsFor', { q: 'shrimp', count: 1 })).toBe('“shrimp”: 1 lot');
    expect(english('auctions.count', { count: 1 })).toBe('1 auction');
    expect(english('demand.board.count', { count: 1 })).toBe('1 demand');
    expect(english('demand.card.quotes', { count: 2 })).toBe('2 quotes');
    expect(english('email.digest.subject', { count: 1 })).toBe('Wharf daily digest: 1 reminder');
    expect(english('coldchain.vehicles.capacity', { kg: 800, count: 1 })).toBe('800 kg · 1 pallet');
    expect(english('console.review.history', { live: 2, count: 1, removed: 0 })).toBe(
      '2 live · rejected once · 0 removed',
    );
    expect(english('trust.rating.yours', { count: 5 })).toBe('You gave 5 stars');
  });

  it('reads naturally in Chinese, which has one form with a measure word', () => {
    expect(chinese('auctions.bidders', { count: 1 })).toBe('1 位买家参与');
    expect(chinese('auctions.bidders', { count: 2 })).toBe('2 位买家参与');
    expect(chinese('market.results', { count: 1 })).toBe('共 1 件货品');
    expect(chinese('market.results', { count: 3 })).toBe('共 3 件货品');
    expect(chinese('demand.card.quotes', { count: 1 })).toBe('1 家报价');
    expect(chinese('email.digest.subject', { count: 1 })).toBe('码头每日汇总：1 条提醒');
  });

  it('makes every English plural key have both forms, and every count sentence a plural', () => {
    for (const key of Object.keys(en).filter((k) => k.endsWith('_other')))
      expect(en[key.replace(/_other$/, '_one')], key).toBeTruthy();
    // A number followed by an English count noun must be a plural key ("1 bidders" is what this prevents).
    const counted =
      /\{(?:n|count)\} (?:lots?|bidders?|auctions?|demands?|quotes?|photos?|readings?|reminders?|attributes?|days?|pallets?|stars?|excursions?|minutes?|hours?)\b/;
    const singularOnly = Object.entries(en).filter(
      ([key, text]) => counted.test(text) && !/_(one|other)$/.test(key),
    );
    expect(singularOnly).toEqual([]);
  });

  it('is checked by the compiler: a plural key without its count does not typecheck', () => {
    // @ts-expect-error: 'market.results' is a plural key, so `t()` needs `{ count }`.
    expect(english('market.results')).toBe('market.results');
    // @ts-expect-error: not a message key at all.
    expect(english('market.no-such-key')).toBe('market.no-such-key');
  });
});

describe('localeFromAcceptLanguage', () => {
  it.each([
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['en-US,en;q=0.9', 'en'],
    ['fr-FR,en;q=0.5,zh;q=0.7', 'zh-CN'],
    ['fr-FR', null],
    ['', null],
    ['en;q=0', null],
  ])('%s → %s', (header, expected) => {
    expect(localeFromAcceptLanguage(header)).toBe(expected);
  });
});
