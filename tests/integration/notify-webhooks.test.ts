// Org webhooks against a local receiver: signed with HMAC-SHA256, retried with backoff until the receiver
// answers, told once, every attempt in the log the org's admins read, and the "send test" button.
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver } from '../support/notify-receivers';

// The receiver listens on 127.0.0.1, which only a market that allows private addresses may call.
process.env.WEBHOOK_ALLOW_PRIVATE = '1';
process.env.NOTIFY_RETRY_BASE_MS = '100';

const { eq } = await import('drizzle-orm');
const { db } = await import('../../db/client');
const { notificationDeliveries, orgWebhooks } = await import('../../db/schema');
const { seedDemoMarket } = await import('../../db/seed');
const { notify } = await import('../../app/notify/notify.server');
const { action, loader } = await import('../../app/routes/orgs.$orgId.webhooks');
const { call, formRequest, getRequest, logInAs } = await import('../support/http');
const { startWorker, stopAllWorkers, waitFor: waitForAt } = await import('../support/worker-process');

/** A worker process takes a while to start on a busy machine: wait longer than the helper's default. */
const waitFor: typeof waitForAt = (what, probe, options) =>
  waitForAt(what, probe, { timeoutMs: 45_000, ...options });

const receiver = await startWebhookReceiver();
afterEach(stopAllWorkers);
afterAll(() => receiver.close());

// 钦州茅尾海生蚝专业合作社: its demo owner administers the org's webhook.
const ORG = 'org_maowei';
let admin = '';
let secret = '';

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  admin = await logInAs('oyster@wharf.test');
  const saved = await call(() =>
    action({
      request: formRequest(
        `/orgs/${ORG}/webhooks`,
        { intent: 'save', url: receiver.url, enabled: 'on' },
        { cookie: admin },
      ),
      params: { orgId: ORG },
      context: {},
    }),
  );
  expect(saved.status).toBe(200);
  secret = ((await saved.json()) as { secret: string }).secret;
  expect(secret).toMatch(/^whsec_/);
});

/** The receiver's own check, written from the page's description rather than with the app's helper. */
function signatureValid(hook: { headers: Record<string, string | string[] | undefined>; body: string }) {
  const timestamp = String(hook.headers['x-wharf-timestamp']);
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${hook.body}`).digest('hex')}`;
  return (
    hook.headers['x-wharf-signature'] === expected && Math.abs(Date.now() / 1000 - Number(timestamp)) < 300
  );
}

const raise = (type: 'order-paid' | 'demand-matched', order: string) =>
  db.transaction((tx) =>
    type === 'order-paid'
      ? notify(tx, { type, orgId: ORG, params: { order, amount: '¥880.00' }, link: `/orders/ord_${order}` })
      : notify(tx, { type, orgId: ORG, params: { demand: 'd', listing: order, score: 80 } }),
  );

const bodiesFor = (order: string) =>
  receiver.requests.filter(
    (r) => (JSON.parse(r.body) as { params: { order?: string } }).params.order === order,
  );

describe('org webhooks', () => {
  it('posts a JSON body signed with the org secret, in both languages', async () => {
    await raise('order-paid', 'SIGNED01');
    // A reminder (low priority) is not pushed to the gateway.
    await raise('demand-matched', 'LOWPRIO1');
    startWorker();
    const [hook] = await waitFor('the webhook call', async () => {
      const hits = bodiesFor('SIGNED01');
      return hits.length ? hits : null;
    });
    expect(signatureValid(hook)).toBe(true);
    expect(signatureValid({ ...hook, body: hook.body.replace('SIGNED01', 'SIGNED02') })).toBe(false);
    const body = JSON.parse(hook.body);
    expect(body).toMatchObject({
      type: 'order-paid',
      orgId: ORG,
      test: false,
      params: { order: 'SIGNED01' },
    });
    expect(body.text['zh-CN'].title).toBe('订单已付款，货款托管中');
    expect(body.text.en.body).toContain('Order SIGNED01 is paid');
    expect(hook.headers['x-wharf-delivery']).toBe(body.id);
    expect(receiver.requests.some((r) => r.body.includes('LOWPRIO1'))).toBe(false);
  });

  it('retries a receiver that fails twice: one message received, three attempts in the log', async () => {
    receiver.failNext(2);
    await raise('order-paid', 'FLAKY001');
    startWorker();
    await waitFor('the third attempt accepted', async () =>
      bodiesFor('FLAKY001').some((r) => r.answered === 200),
    );
    const calls = bodiesFor('FLAKY001');
    expect(calls.map((c) => c.answered)).toEqual([500, 500, 200]);
    // Every attempt is the same delivery (the receiver can de-duplicate on it), each signed afresh.
    expect(new Set(calls.map((c) => c.headers['x-wharf-delivery'])).size).toBe(1);
    expect(calls.every(signatureValid)).toBe(true);

    const page = await call(() =>
      loader({
        request: getRequest(`/orgs/${ORG}/webhooks`, { cookie: admin }),
        params: { orgId: ORG },
        context: {},
      }),
    );
    expect(page.status).toBe(200);
    const { log } = (await page.json()) as {
      log: { id: string; status: string; attempts: { attempt: number; statusCode: number | null }[] }[];
    };
    const entry = log.find((e) => e.id === calls[0].headers['x-wharf-delivery']);
    expect(entry?.status).toBe('sent');
    expect(entry?.attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
  });

  it('sends a signed test message from the "send test" button', async () => {
    const before = receiver.requests.length;
    const response = await call(() =>
      action({
        request: formRequest(`/orgs/${ORG}/webhooks`, { intent: 'test' }, { cookie: admin }),
        params: { orgId: ORG },
        context: {},
      }),
    );
    expect(response.status).toBe(200);
    startWorker();
    const hook = await waitFor('the test call', async () =>
      receiver.requests.slice(before).find((r) => JSON.parse(r.body).test === true),
    );
    expect(signatureValid(hook)).toBe(true);
    expect(JSON.parse(hook.body).text['zh-CN'].title).toBe('码头 Webhook 测试');
  });

  it('signs with the new secret after a rotation and never shows a secret on the page again', async () => {
    const rotated = await call(() =>
      action({
        request: formRequest(`/orgs/${ORG}/webhooks`, { intent: 'rotate' }, { cookie: admin }),
        params: { orgId: ORG },
        context: {},
      }),
    );
    const fresh = ((await rotated.json()) as { secret: string }).secret;
    expect(fresh).not.toBe(secret);
    const [row] = await db.select().from(orgWebhooks).where(eq(orgWebhooks.orgId, ORG));
    expect(row.secret).toBe(fresh);
    secret = fresh;
    const page = await call(() =>
      loader({
        request: getRequest(`/orgs/${ORG}/webhooks`, { cookie: admin }),
        params: { orgId: ORG },
        context: {},
      }),
    );
    expect(await page.text()).not.toContain('whsec_');
  });

  it('shows the page and its log to the org admins only', async () => {
    const outsider = await logInAs('restaurant@wharf.test');
    const page = await call(() =>
      loader({
        request: getRequest(`/orgs/${ORG}/webhooks`, { cookie: outsider }),
        params: { orgId: ORG },
        context: {},
      }),
    );
    expect(page.status).toBe(404);
    const deliveries = await db.select().from(notificationDeliveries);
    expect(deliveries.length).toBeGreaterThan(0);
  });
});
