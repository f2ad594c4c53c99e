// Every UI string exists in both languages with the same placeholders; language negotiation picks sensibly.
import { describe, expect, it } from 'vitest';
import { allMessages, localeFromAcceptLanguage, translator } from '../../app/lib/i18n';
import { queueNames } from '../../workers/queues';

const zhCN = allMessages['zh-CN'];
const en = allMessages.en;

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('messages', () => {
  it('has the same keys in Chinese and English, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const [key, text] of [...Object.entries(zhCN), ...Object.entries(en)]) {
      expect(text.trim(), key).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    for (const key of Object.keys(zhCN)) {
      expect(placeholders(en[key]), key).toEqual(placeholders(zhCN[key]));
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
