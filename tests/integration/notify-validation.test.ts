// Bad input is refused with a message and a 4xx: webhook URLs that are not http(s) or reach private
// addresses (at save time, and again at send time against DNS rebinding), and preferences for unknown types;
// and without SMTP_URL e-mails are kept in the development mailbox, each user reading only its own.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import {
  notificationDeliveries,
  notificationPreferences,
  orgWebhooks,
  users,
  webhookAttempts,
} from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { newId } from '../../app/lib/ids';
import { deliver, fanOut } from '../../app/notify/deliver.server';
import { notify } from '../../app/notify/notify.server';
import { loader as mailboxLoader } from '../../app/routes/mailbox';
import { action as webhooksAction } from '../../app/routes/orgs.$orgId.webhooks';
import { action as prefsAction, loader as prefsLoader } from '../../app/routes/settings_.notifications';
import { call, formRequest, getRequest, logInAs } from '../support/http';
import { startWebhookReceiver } from '../support/notify-receivers';

const ORG = 'org_maowei';
let admin = '';
const receiver = await startWebhookReceiver();
afterAll(() => receiver.close());

beforeAll(async () => {
  // This file runs as a market on the internet: WEBHOOK_ALLOW_PRIVATE is not set.
  expect(process.env.WEBHOOK_ALLOW_PRIVATE).toBeUndefined();
  await db.transaction((tx) => seedDemoMarket(tx));
  admin = await logInAs('oyster@wharf.test');
});

const saveUrl = (url: string, cookie = admin) =>
  call(() =>
    webhooksAction({
      request: formRequest(`/orgs/${ORG}/webhooks`, { intent: 'save', url, enabled: 'on' }, { cookie }),
      params: { orgId: ORG },
      context: {},
    }),
  );

describe('webhook URL', () => {
  it.each([
    ['ftp://example.com/hook', 'webhooks.errors.scheme'],
    ['javascript:alert(1)', 'webhooks.errors.scheme'],
    ['not a url', 'webhooks.errors.invalid'],
    ['http://127.0.0.1:8080/hook', 'webhooks.errors.private'],
    ['http://localhost/hook', 'webhooks.errors.private'],
    ['http://10.20.30.40/hook', 'webhooks.errors.private'],
    ['http://192.168.1.10/hook', 'webhooks.errors.private'],
    ['http://169.254.169.254/latest/meta-data', 'webhooks.errors.private'],
    ['http://[::1]/hook', 'webhooks.errors.private'],
    ['http://[::ffff:10.0.0.1]/hook', 'webhooks.errors.private'],
  ])('%s is refused (%s)', async (url, message) => {
    const response = await saveUrl(url);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, errors: { url: message }, values: { url } });
    expect(await db.select().from(orgWebhooks).where(eq(orgWebhooks.orgId, ORG))).toHaveLength(0);
  });

  it('is for the org admins: a member of another org is told it does not exist', async () => {
    const outsider = await logInAs('restaurant@wharf.test');
    expect((await saveUrl('https://example.com/hook', outsider)).status).toBe(404);
  });

  it('is checked again at send time: a saved host that now resolves to a private address is not called', async () => {
    // As if the host had resolved publicly when saved and was re-pointed (DNS rebinding) since.
    const webhookId = newId('whk');
    await db.insert(orgWebhooks).values({
      id: webhookId,
      orgId: ORG,
      url: `http://localhost:${receiver.port}/hooks/wharf`,
      secret: 'whsec_test',
    });
    const deliveryId = newId('dlv');
    await db
      .insert(notificationDeliveries)
      .values({ id: deliveryId, recipient: webhookId, webhookId, channel: 'webhook' });
    expect(await deliver(deliveryId)).toBe('retrying');
    expect(receiver.requests).toHaveLength(0);
    const attempts = await db
      .select()
      .from(webhookAttempts)
      .where(eq(webhookAttempts.deliveryId, deliveryId));
    expect(attempts).toMatchObject([{ attempt: 1, statusCode: null, error: 'blocked address' }]);
    await db.delete(orgWebhooks).where(eq(orgWebhooks.id, webhookId));
  });
  it('stops retrying once the org switches its webhook off', async () => {
    const webhookId = newId('whk');
    await db.insert(orgWebhooks).values({
      id: webhookId,
      orgId: ORG,
      url: 'https://example.com/hook',
      secret: 'whsec_off',
      enabled: false,
    });
    const deliveryId = newId('dlv');
    await db
      .insert(notificationDeliveries)
      .values({ id: deliveryId, recipient: webhookId, webhookId, channel: 'webhook' });
    expect(await deliver(deliveryId)).toBe('failed');
    const [row] = await db
      .select()
      .from(notificationDeliveries)
      .where(eq(notificationDeliveries.id, deliveryId));
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: 'webhook switched off' });
    expect(
      await db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, deliveryId)),
    ).toHaveLength(0);
    await db.delete(orgWebhooks).where(eq(orgWebhooks.id, webhookId));
  });
});

describe('notification preferences', () => {
  const save = async (fields: [string, string][]) => {
    const cookie = await logInAs('restaurant@wharf.test');
    const body = new URLSearchParams(fields);
    const request = new Request('http://localhost:3000/settings/notifications', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
      body,
    });
    return call(() => prefsAction({ request, params: {}, context: {} }));
  };
  const restaurantId = async () =>
    (await db.select({ id: users.id }).from(users).where(eq(users.email, 'restaurant@wharf.test')))[0].id;

  it('refuses a type that does not exist, with a message naming it', async () => {
    const response = await save([
      ['shown', 'order-paid:email'],
      ['shown', 'no-such-type:email'],
      ['on', 'no-such-type:email'],
    ]);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { messageKey: 'prefs.errors.unknownType', params: { type: 'no-such-type' } },
    });
    // Nothing of the refused form is stored, not even its valid part.
    expect(
      await db
        .select()
        .from(notificationPreferences)
        .where(eq(notificationPreferences.userId, await restaurantId())),
    ).toHaveLength(0);
  });

  it('refuses an unknown channel and a digest for a type that has none', async () => {
    const channel = await save([['on', 'order-paid:sms']]);
    expect(channel.status).toBe(400);
    expect(await channel.json()).toMatchObject({ error: { messageKey: 'prefs.errors.unknownChannel' } });
    const digest = await save([['on', 'order-paid:digest']]);
    expect(digest.status).toBe(400);
    expect(await digest.json()).toMatchObject({ error: { messageKey: 'prefs.errors.noDigest' } });
  });

  it('stores what differs from the defaults and shows it back', async () => {
    const response = await save([
      ['shown', 'order-paid:inbox'],
      ['on', 'order-paid:inbox'],
      ['shown', 'order-paid:email'],
      ['shown', 'demand-matched:digest'],
      ['on', 'demand-matched:digest'],
    ]);
    expect(response.status).toBe(302);
    const rows = await db
      .select({
        type: notificationPreferences.type,
        channel: notificationPreferences.channel,
        enabled: notificationPreferences.enabled,
      })
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, await restaurantId()));
    expect(rows.sort((a, b) => a.type.localeCompare(b.type))).toEqual([
      { type: 'demand-matched', channel: 'digest', enabled: true },
      { type: 'order-paid', channel: 'email', enabled: false },
    ]);
    const cookie = await logInAs('restaurant@wharf.test');
    const page = await call(() =>
      prefsLoader({ request: getRequest('/settings/notifications', { cookie }), params: {}, context: {} }),
    );
    const { grid } = (await page.json()) as { grid: { type: string; channels: Record<string, boolean> }[] };
    expect(grid.find((g) => g.type === 'order-paid')?.channels).toEqual({
      inbox: true,
      email: false,
      digest: false,
    });
    expect(grid.find((g) => g.type === 'dispute-opened')?.channels).toEqual({
      inbox: true,
      email: true,
      digest: false,
    });
    expect(grid.find((g) => g.type === 'demand-matched')?.channels).toEqual({
      inbox: true,
      email: false,
      digest: true,
    });
  });
});

describe('development mailbox', () => {
  it('keeps e-mails without SMTP_URL: operators read all, a user on the dev server only its own', async () => {
    expect(process.env.SMTP_URL).toBeUndefined();
    const eventId = await db.transaction((tx) =>
      notify(tx, {
        type: 'payout-sent',
        orgId: 'org_xuwen',
        params: { order: 'MAILBOX1', amount: '¥99.00' },
        link: '/orders/ord_MAILBOX1',
      }),
    );
    const created = (await fanOut(eventId as string)) ?? [];
    for (const id of created) expect(await deliver(id)).toBe('sent');
    const read = async (email: string) => {
      const cookie = await logInAs(email);
      const page = await call(() =>
        mailboxLoader({ request: getRequest('/mailbox', { cookie }), params: {}, context: {} }),
      );
      expect(page.status).toBe(200);
      return (await page.json()) as { scope: string; mails: { to: string; subject: string }[] };
    };
    const own = await read('pineapple@wharf.test');
    expect(own.scope).toBe('own');
    expect(own.mails).toMatchObject([{ to: 'pineapple@wharf.test', subject: '货款已打款' }]);
    const other = await read('supermarket@wharf.test');
    expect(other.mails.filter((m) => m.to === 'pineapple@wharf.test')).toHaveLength(0);
    const operator = await read('operator@wharf.test');
    expect(operator.scope).toBe('all');
    expect(operator.mails.some((m) => m.to === 'pineapple@wharf.test')).toBe(true);
  });
});
