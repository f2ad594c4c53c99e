// No personal data in logs (issue #21.7): representative flows against a real web process whose output is
// kept, then grepped for the users' e-mails, phone numbers and argon2 hashes; and a real failed INSERT
// through the log serializer, which must keep the error's code and drop its parameters.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { users } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { safeError } from '../../app/lib/log.server';
import { demoShrimpLotId } from '../support/listings';
import { type WebProcess, startWeb } from '../support/web-process';

/** Chinese mobile numbers, the form a phone takes in this market's data. */
const PHONE = /(?<![\w-])1[3-9]\d{9}(?![\w-])/; // not inside a uuid or request id

let web: WebProcess;
const stamp = Date.now();
const newEmail = `log-probe-${stamp}@example.test`;
const nulEmail = `log-nul-${stamp}@example.test`;

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  web = await startWeb({ LOG_LEVEL: 'debug' });
});

afterAll(async () => {
  await web?.stop();
});

function post(path: string, fields: Record<string, string>, cookie?: string) {
  return fetch(`${web.base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });
}

const account = (email: string, name = '王小明') => ({
  email,
  password: 'correct horse battery',
  name,
  orgName: `日志测试水产 ${stamp}`,
  orgKind: 'buyer',
  city: '湛江',
});

describe('the web log of a few flows', () => {
  it('holds no e-mail, phone number or password hash', async () => {
    expect((await post('/register', account(newEmail))).status).toBe(302);
    // A taken e-mail, and a name PostgreSQL refuses inside the INSERT (a NUL byte): the failed query is logged.
    expect((await post('/register', account('shrimp@wharf.test'))).status).toBe(400);
    const failed = await post('/register', account(nulEmail, '王\u0000明'));
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect((await post('/login', { email: 'restaurant@wharf.test', password: 'wrong one' })).status).toBe(
      400,
    );
    const login = await post('/login', { email: 'restaurant@wharf.test', password: 'wharf-demo-2026' });
    expect(login.status).toBe(302);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const lotId = await demoShrimpLotId(db);
    const order = await post(
      `/orders/new?listingId=${lotId}`,
      { listingId: lotId, unit: 'kg', tolerancePercent: '3', quantity: '100' },
      cookie,
    );
    expect(order.status).toBe(302);
    // Give the process a moment to flush its asynchronous log writes.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const output = web.output();
    expect(output).toMatch(/"url":"\/register"/); // the capture works: request lines are there
    for (const secret of [newEmail, nulEmail, 'shrimp@wharf.test', 'restaurant@wharf.test', '$argon2']) {
      expect(output.includes(secret), `log contains ${secret}`).toBe(false);
    }
    expect(output).not.toMatch(PHONE);
    // While a NUL byte reaches the INSERT (a 500), its error is in the log, by code only.
    if (failed.status === 500) expect(output).toContain('"code":"22021"');
  });
});

describe('the error serializer', () => {
  it('logs a failed INSERT by its code and constraint, without the e-mail or hash it carried', async () => {
    const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';
    const email = `serializer-${stamp}@example.test`;
    // A duplicate id: a unique violation whose detail names the value, and a NUL in another row.
    await db.insert(users).values({ id: `usr_dup${stamp}`, email, name: 'x', passwordHash: hash });
    const errors: unknown[] = [];
    for (const row of [
      { id: `usr_dup${stamp}`, email: `b-${email}`, name: 'x', passwordHash: hash },
      { id: `usr_nul${stamp}`, email: `c-${email}`, name: 'a\u0000b', passwordHash: hash },
    ])
      await db
        .insert(users)
        .values(row)
        .catch((error: unknown) => errors.push(error));
    expect(errors).toHaveLength(2);

    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ serializers: { err: safeError } }, sink);
    for (const err of errors) logger.error({ err }, 'unhandled error in loader or action');
    // The worker's "job failed" line logs only the message, which drizzle fills with the values.
    for (const err of errors) logger.warn({ err: (err as Error).message }, 'job failed');
    expect(lines).toHaveLength(4);
    const text = lines.join('');
    expect(text).toContain('23505');
    expect(text).toContain('users_pkey');
    expect(text).toContain('22021');
    expect(text).not.toContain(email);
    expect(text).not.toContain('$argon2');
    expect(text).not.toContain(`usr_dup${stamp})`);
  });
});
