// The translator reads the dictionaries directly (issue #22: i18next's `t` was an eighth of a market page's render);
// it must say exactly what i18next says for every key, locale, plural count and placeholder.
import { describe, expect, it } from 'vitest';
import { type Locale, LOCALES, allMessages, i18n, storedKey, translator } from '../../app/lib/i18n';

type LooseT = (key: string, options?: Record<string, unknown>) => string;

/** i18next's own answer, with the options `translator` used to pass it. */
function viaI18next(locale: Locale, key: string, params?: Record<string, string | number>): string {
  const fixed = i18n.getFixedT(locale) as unknown as LooseT;
  if (!params) return fixed(key);
  return fixed(key, { replace: params, count: typeof params.count === 'number' ? params.count : undefined });
}

const baseKeys = [
  ...new Set(
    Object.values(allMessages).flatMap((dictionary) =>
      Object.keys(dictionary).map((key) => key.replace(/_(one|other)$/, '')),
    ),
  ),
];

describe('translator', () => {
  it('answers as i18next for every key in both locales, without and with values, for counts 0, 1, 2 and 21', () => {
    let compared = 0;
    for (const locale of LOCALES) {
      const t = translator(locale) as unknown as (
        key: string,
        params?: Record<string, string | number>,
      ) => string;
      for (const key of baseKeys) {
        expect(t(key), `${locale} ${key}`).toBe(viaI18next(locale, key));
        const text = allMessages[locale][key] ?? allMessages[locale][`${key}_other`] ?? '';
        const names = [...text.matchAll(/\{(.+?)\}/g)].map((m) => m[1].trim());
        for (const count of [0, 1, 2, 21]) {
          const params: Record<string, string | number> = { count };
          for (const [i, name] of names.entries()) if (name !== 'count') params[name] = `v${i}`;
          expect(t(key, params), `${locale} ${key} ${count}`).toBe(viaI18next(locale, key, params));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('keeps a placeholder without a value, falls back to Chinese, and returns an unknown key as itself', () => {
    const en = translator('en');
    const key = storedKey('no.such.key');
    expect(en(key)).toBe('no.such.key');
    expect(en(key, { count: 2 })).toBe(viaI18next('en', 'no.such.key', { count: 2 }));
    const withName = baseKeys.find((k) => /\{name\}/.test(allMessages.en[k] ?? ''));
    expect(withName).toBeDefined();
    const missing = en(storedKey(withName as string), { other: 1 });
    expect(missing).toContain('{name}');
    expect(missing).toBe(viaI18next('en', withName as string, { other: 1 }));
  });

  it('puts a value that looks like a placeholder in as typed, where it stands', () => {
    // A buyer searching for "{count}": i18next replaced the first "{count}" of the result, which was the buyer's
    // own text (“0”：共 {count} 件货品); the translator reads the string once.
    const zh = translator('zh-CN');
    expect(zh('market.resultsFor', { q: '{count}', count: 3 })).toBe('“{count}”：共 3 件货品');
  });
});
