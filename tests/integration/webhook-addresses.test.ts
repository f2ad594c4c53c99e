// The outbound address policy with WEBHOOK_ALLOW_PRIVATE=0 (issue #21.5, ADR 0025): reserved and embedded
// forms are refused on the webhook form with a 4xx, and a name that re-resolves to loopback after it was
// saved is not delivered to — the address is checked in the socket's own lookup and the socket pinned to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver } from '../support/notify-receivers';

process.env.WEBHOOK_ALLOW_PRIVATE = '0';
process.env.NOTIFY_MAX_ATTEMPTS = '1';

const { eq } = await import('drizzle-orm');
const { db } = await import('../../db/client');
const { notificationDeliveries, orgWebhooks, webhookAttempts } = await import('../../db/schema');
const { seedDemoMarket } = await import('../../db/seed');
const { deliver, queueWebhookTest } = await import('../../app/notify/deliver.server');
const { setWebhookResolver } = await import('../../app/notify/webhooks.server');
const { action } = await import('../../app/routes/orgs.$orgId.webhooks');
const { call, formRequest, logInAs } = await import('../support/http');

const receiver = await startWebhookReceiver();
const ORG = 'org_maowei';
let admin = '';
/** What the fake DNS answers for every name; a test changes it between save and send. */
let answer = '93.184.216.34';

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  admin = await logInAs('oyster@wharf.test');
  setWebhookResolver(async () => [{ address: answer, family: answer.includes(':') ? 6 : 4 }]);
});

afterAll(async () => {
  setWebhookResolver();
  await receiver.close();
});

function save(url: string) {
  return call(() =>
    action({
      request: formRequest(
        `/orgs/${ORG}/webhooks`,
        { intent: 'save', url, enabled: 'on' },
        { cookie: admin },
      ),
      params: { orgId: ORG },
      context: {},
    }),
  );
}

describe('saving a webhook URL', () => {
  it.each([
    `http://192.0.2.10:${receiver.port}/hook`,
    `http://198.51.100.7:${receiver.port}/hook`,
    `http://203.0.113.9:${receiver.port}/hook`,
    `http://[::ffff:127.0.0.1]:${receiver.port}/hook`,
    `http://[::ffff:7f00:1]:${receiver.port}/hook`,
    `http://[::127.0.0.1]:${receiver.port}/hook`,
    `http://[64:ff9b::7f00:1]:${receiver.port}/hook`,
    `http://[64:ff9b::10.0.0.1]:${receiver.port}/hook`,
    `http://0x7f.1:${receiver.port}/hook`,
    `http://2130706433:${receiver.port}/hook`,
  ])('refuses %s with 400 and the private-address message, saving nothing', async (url) => {
    const before = await db.select().from(orgWebhooks).where(eq(orgWebhooks.orgId, ORG));
    const response = await save(url);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { url: string } }).errors.url).toBe(
      'webhooks.errors.private',
    );
    expect(await db.select().from(orgWebhooks).where(eq(orgWebhooks.orgId, ORG))).toEqual(before);
  });

  it.each(['::ffff:7f00:1', '192.0.2.1', '64:ff9b::a9fe:a9fe'])(
    'refuses a name that resolves to %s',
    async (address) => {
      answer = address;
      const response = await save('https://hooks.example.com/wharf');
      expect(response.status).toBe(400);
      answer = '93.184.216.34';
    },
  );
});

describe('sending', () => {
  it.each(['127.0.0.1', '::ffff:7f00:1', '::ffff:127.0.0.1'])(
    'does not deliver to a name whose DNS answer changed to %s after saving',
    async (rebound) => {
      answer = '93.184.216.34';
      const saved = await save(`http://rebind.example.com:${receiver.port}/hooks/wharf`);
      expect(saved.status).toBe(200);
      // The name now points at the machine itself, where the receiver listens.
      answer = rebound;
      const deliveryId = await queueWebhookTest(db, ORG);
      expect(deliveryId).toBeTruthy();
      const outcome = await deliver(deliveryId ?? '');
      expect(outcome).toBe('failed');
      expect(receiver.requests).toHaveLength(0);
      const [delivery] = await db
        .select()
        .from(notificationDeliveries)
        .where(eq(notificationDeliveries.id, deliveryId ?? ''));
      expect(delivery.lastError).toBe('blocked address');
      const attempts = await db
        .select()
        .from(webhookAttempts)
        .where(eq(webhookAttempts.deliveryId, deliveryId ?? ''));
      expect(attempts.map((a) => a.error)).toEqual(['blocked address']);
    },
  );
});
