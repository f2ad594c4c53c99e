// The notify area's pure parts: a zh and an en template per catalogue type with exactly its params, the
// defaults per priority, the webhook signature and address rules, the backoff and the e-mail frame.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { allMessages, translator } from '../../app/lib/i18n';
import {
  NOTIFICATION_TYPES,
  type NotificationType,
  defaultChannel,
  offersDigest,
} from '../../app/notify/catalogue';
import { retryDelayMs } from '../../app/notify/deliver.server';
import { composeMail } from '../../app/notify/mail.server';
import { checkPreferenceChanges } from '../../app/notify/preferences.server';
import { inEachLanguage, localizeParams, renderNotification } from '../../app/notify/render';
import {
  checkWebhookUrl,
  isPrivateAddress,
  signWebhook,
  verifyWebhook,
} from '../../app/notify/webhooks.server';

const types = Object.keys(NOTIFICATION_TYPES) as NotificationType[];
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

describe('templates', () => {
  it.each(types)('%s has a title and a body in both languages using exactly its params', (type) => {
    const params = [...NOTIFICATION_TYPES[type].params].sort();
    for (const locale of ['zh-CN', 'en'] as const) {
      const title = allMessages[locale][`notification.${type}.title`];
      const body = allMessages[locale][`notification.${type}.body`];
      expect(title, `${locale} title`).toBeTruthy();
      expect(body, `${locale} body`).toBeTruthy();
      // Every param appears somewhere, and nothing but params does.
      const used = placeholders(`${title} ${body}`);
      expect(used, `${locale} ${type}`).toEqual(params);
      if (locale === 'zh-CN') expect(`${title}${body}`).toMatch(/\p{Script=Han}/u);
    }
  });

  it('renders in the reader’s language, translating roles and t: values', () => {
    const params = { order: 'A1B2C3D4', outcome: 't:notify.outcome.refund_full' };
    expect(renderNotification('zh-CN', 'dispute-resolved', params)).toEqual({
      title: '争议已处理',
      body: '订单 A1B2C3D4 的争议处理结果：全额退款给买家。',
    });
    expect(renderNotification('en', 'dispute-resolved', params).body).toBe(
      'The dispute on order A1B2C3D4 is resolved: the buyer is refunded in full.',
    );
    expect(localizeParams(translator('en'), { role: 'trader', org: 'x' })).toEqual({
      role: 'Trader',
      org: 'x',
    });
  });

  it('shows a parameter written in both languages in the reader’s', () => {
    const params = {
      listing: '白虾',
      reason: inEachLanguage({ 'zh-CN': '含违禁用语：高仿', en: 'Banned words: fake' }),
    };
    expect(renderNotification('zh-CN', 'listing-flagged', params).body).toContain('含违禁用语：高仿');
    const en = renderNotification('en', 'listing-flagged', params).body;
    expect(en).toContain('Banned words: fake');
    expect(en).not.toContain('高仿');
    expect(localizeParams(translator('en'), { reason: 'l:not json' }, 'en')).toEqual({
      reason: 'l:not json',
    });
  });
});

describe('defaults and preferences', () => {
  it('sends money and disputes everywhere, normal types by inbox and e-mail, reminders to the inbox only', () => {
    expect([defaultChannel('order-paid', 'inbox'), defaultChannel('order-paid', 'email')]).toEqual([
      true,
      true,
    ]);
    expect([defaultChannel('dispute-opened', 'email'), defaultChannel('payout-sent', 'email')]).toEqual([
      true,
      true,
    ]);
    expect(defaultChannel('order-shipped', 'email')).toBe(true);
    expect([defaultChannel('demand-matched', 'inbox'), defaultChannel('demand-matched', 'email')]).toEqual([
      true,
      false,
    ]);
    expect(types.every((type) => defaultChannel(type, 'digest') === false)).toBe(true);
    expect(offersDigest('demand-matched')).toBe(true);
    expect(offersDigest('order-paid')).toBe(false);
  });

  it('refuses unknown types and channels, and digests of types without one', () => {
    expect(checkPreferenceChanges([{ type: 'order-paid', channel: 'email', enabled: false }])).toBeNull();
    expect(checkPreferenceChanges([{ type: 'nope', channel: 'email', enabled: true }])).toEqual({
      messageKey: 'prefs.errors.unknownType',
      params: { type: 'nope' },
    });
    expect(checkPreferenceChanges([{ type: 'order-paid', channel: 'sms', enabled: true }])?.messageKey).toBe(
      'prefs.errors.unknownChannel',
    );
    expect(
      checkPreferenceChanges([{ type: 'order-paid', channel: 'digest', enabled: true }])?.messageKey,
    ).toBe('prefs.errors.noDigest');
    // Turning a digest off is always allowed (it is off already).
    expect(checkPreferenceChanges([{ type: 'order-paid', channel: 'digest', enabled: false }])).toBeNull();
  });
});

describe('webhook signature', () => {
  it('is v1= hex HMAC-SHA256 over "timestamp.body"', () => {
    const body = '{"id":"dlv_1"}';
    const expected = createHmac('sha256', 'whsec_k').update(`1700000000.${body}`).digest('hex');
    expect(signWebhook('whsec_k', 1_700_000_000, body)).toBe(`v1=${expected}`);
  });

  it('verifies a fresh signature and refuses a changed body, another secret or an old timestamp', () => {
    const now = Date.now();
    const ts = Math.floor(now / 1000);
    const body = '{"type":"order-paid"}';
    const signature = signWebhook('s1', ts, body);
    expect(verifyWebhook('s1', { timestamp: String(ts), signature }, body, { now })).toBe(true);
    expect(verifyWebhook('s1', { timestamp: String(ts), signature }, `${body} `, { now })).toBe(false);
    expect(verifyWebhook('s2', { timestamp: String(ts), signature }, body, { now })).toBe(false);
    expect(verifyWebhook('s1', { timestamp: String(ts), signature }, body, { now: now + 301_000 })).toBe(
      false,
    );
    expect(verifyWebhook('s1', { timestamp: null, signature }, body, { now })).toBe(false);
  });
});

describe('webhook addresses', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.32.0.1', false],
    ['192.168.0.5', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['8.8.8.8', false],
    // Documentation, benchmarking and reserved ranges are not globally routable (issue #21.5).
    ['192.0.2.10', true],
    ['198.51.100.7', true],
    ['203.0.113.9', true],
    ['198.18.0.1', true],
    ['240.0.0.1', true],
    ['255.255.255.255', true],
    ['93.184.216.34', false],
    // IPv4 inside IPv6: mapped (dotted and hex), deprecated compatible, NAT64 — judged by the IPv4 inside.
    ['::ffff:7f00:1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:c000:20a', true],
    ['::127.0.0.1', true],
    ['::7f00:1', true],
    ['::10.0.0.1', true],
    ['::8.8.8.8', false],
    ['64:ff9b::127.0.0.1', true],
    ['64:ff9b::7f00:1', true],
    ['64:ff9b::192.168.1.1', true],
    ['64:ff9b::8.8.8.8', false],
    ['64:ff9b:1::a00:1', true],
    ['2001:db8::1', true],
    ['2002:7f00:1::', true],
    ['2001::1', true],
    ['::', true],
    ['::1', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['2001:4860:4860::8888', false],
    ['not-an-ip', true],
  ])('%s private: %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });

  it('must be http(s), before any DNS lookup', async () => {
    expect(await checkWebhookUrl('ftp://example.com', { allowPrivate: true })).toBe('webhooks.errors.scheme');
    expect(await checkWebhookUrl('file:///etc/passwd', { allowPrivate: true })).toBe(
      'webhooks.errors.scheme',
    );
    expect(await checkWebhookUrl('example.com/hook', { allowPrivate: true })).toBe('webhooks.errors.invalid');
    expect(await checkWebhookUrl('https://user:pw@example.com/', { allowPrivate: true })).toBe(
      'webhooks.errors.invalid',
    );
    expect(await checkWebhookUrl('https://example.com/hook', { allowPrivate: true })).toBeNull();
    expect(await checkWebhookUrl('http://127.0.0.1:9/hook', { allowPrivate: false })).toBe(
      'webhooks.errors.private',
    );
    expect(await checkWebhookUrl('http://127.0.0.1:9/hook', { allowPrivate: true })).toBeNull();
  });
});

describe('retries and e-mails', () => {
  it('doubles the wait after each failure, up to an hour', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(30, 1000)).toBe(3_600_000);
  });

  it('writes an e-mail in the recipient’s language with text and escaped HTML', () => {
    const mail = composeMail({
      to: 'li@example.test',
      name: '李<经理>',
      locale: 'zh-CN',
      subject: '订单已付款，货款托管中',
      items: [{ title: '订单已付款', body: '订单 A 已付款 <b>¥1.00</b>', link: '/orders/ord_A' }],
      origin: 'https://wharf.example',
    });
    expect(mail.text).toContain('你好，李<经理>：');
    expect(mail.text).toContain('在码头查看: https://wharf.example/orders/ord_A');
    expect(mail.html).toContain('<html lang="zh-CN">');
    expect(mail.html).toContain('李&lt;经理&gt;');
    expect(mail.html).toContain('&lt;b&gt;¥1.00&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>');
  });
});
