// Operations endpoints and Redis outages (issue #21.8): a web process whose Redis does not answer says 503
// within 5 s for what needs Redis (login, registration, live events, metrics) and keeps serving pages that
// do not; /metrics wants its bearer token when one is set, and is not there in production without one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { seedDemoMarket } from '../../db/seed';
import { type WebProcess, freePort, startWeb } from '../support/web-process';

const TOKEN = 'metrics-token-for-the-redis-down-test';
let down: WebProcess;
let production: WebProcess;

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  // Nothing listens on this port: every Redis connection is refused.
  const nowhere = await freePort();
  [down, production] = await Promise.all([
    startWeb({ REDIS_URL: `redis://127.0.0.1:${nowhere}`, METRICS_TOKEN: TOKEN, LOG_LEVEL: 'silent' }),
    startWeb({
      NODE_ENV: 'production',
      SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
      LOG_LEVEL: 'silent',
    }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([down?.stop(), production?.stop()]);
});

/** Fetches and measures; the body is read so the time covers the whole answer. */
async function timed(url: string, init: RequestInit = {}) {
  const started = Date.now();
  const response = await fetch(url, { redirect: 'manual', ...init });
  const body = await response.text();
  return { status: response.status, body, ms: Date.now() - started };
}

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('with Redis down', () => {
  it('answers POST /login with 503 and a message within 5 s', async () => {
    const answer = await timed(
      `${down.base}/login`,
      form({ email: 'restaurant@wharf.test', password: 'wharf-demo-2026' }),
    );
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('服务暂时不可用，请稍后再试');
    expect(answer.ms).toBeLessThan(5_000);
  });

  it('answers POST /register with 503 within 5 s, creating nothing', async () => {
    const email = `redis-down-${Date.now()}@example.test`;
    const answer = await timed(
      `${down.base}/register`,
      form({
        email,
        password: 'correct horse battery',
        name: '王小明',
        orgName: '断线测试水产',
        orgKind: 'buyer',
      }),
    );
    expect(answer.status).toBe(503);
    expect(answer.ms).toBeLessThan(5_000);
    const { users } = await import('../../db/schema');
    const { eq } = await import('drizzle-orm');
    expect(await db.select().from(users).where(eq(users.email, email))).toHaveLength(0);
  });

  it('answers /events (a public auction stream) with 503 within 5 s', async () => {
    const answer = await timed(`${down.base}/events?auction=auc_0000000000`);
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('Live updates are unavailable');
    expect(answer.ms).toBeLessThan(5_000);
  });

  it('answers /metrics with 503 within 5 s for the token holder, 401 without the token', async () => {
    const withToken = await timed(`${down.base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(withToken.status).toBe(503);
    expect(withToken.ms).toBeLessThan(5_000);
    expect((await timed(`${down.base}/metrics`)).status).toBe(401);
    const wrong = await timed(`${down.base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
  });

  it('keeps serving the market and the login page', async () => {
    const market = await timed(`${down.base}/market`);
    expect(market.status).toBe(200);
    expect(market.ms).toBeLessThan(5_000);
    expect((await timed(`${down.base}/login`)).status).toBe(200);
  });
});

describe('/metrics in production without METRICS_TOKEN', () => {
  it('is not there (404)', async () => {
    expect((await timed(`${production.base}/metrics`)).status).toBe(404);
    expect((await timed(`${production.base}/healthz`)).status).toBe(200);
  });
});
