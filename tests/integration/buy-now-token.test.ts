// Buy-now is idempotent per form: the page's one-time token, posted many times at once over HTTP without JavaScript, buys once.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { buyTokens, listings, orders } from '../../db/schema';
import { seedCatalogue } from '../../db/seed';
import { createApp } from '../../server';
import { repoRoot } from '../../scripts/services';
import { commitSessionCookie, createSession } from '../../app/lib/session.server';
import { buyerOrg, liveShrimpLot, verifiedSeller } from '../support/listings';

let server: Server;
let base = '';
let cookie = '';
let buyerOrgId = '';
let lotId = '';

beforeAll(async () => {
  await seedCatalogue(db);
  const seller = await verifiedSeller(db);
  lotId = await liveShrimpLot(db, seller, '1000');
  const buyer = await buyerOrg();
  buyerOrgId = buyer.orgId;
  cookie = (
    await commitSessionCookie(await createSession(db, { userId: buyer.userId, activeOrgId: buyer.orgId }))
  ).split(';')[0];
  // The built app (run `npx remix build` first), as http.test.ts serves it.
  const build = (await import(pathToFileURL(path.join(repoRoot, 'build/index.js')).href)) as ServerBuild;
  const { app } = await createApp(build);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

/** The buy page as a browser without JavaScript gets it, and the token hidden in its form. */
async function formToken(): Promise<string> {
  const html = await (
    await fetch(`${base}/orders/new?listingId=${lotId}`, { headers: { Cookie: cookie } })
  ).text();
  const token = /name="buyToken" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('the buy form has no token');
  return token;
}

/** Posts the form as the browser does (urlencoded, same origin), without following the redirect. */
function postForm(fields: Record<string, string>) {
  return fetch(`${base}/orders/new?listingId=${lotId}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      Cookie: cookie,
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: base,
      'Sec-Fetch-Site': 'same-origin',
    },
    body: new URLSearchParams({
      listingId: lotId,
      quantity: '12',
      unit: 'kg',
      tolerancePercent: '3',
      ...fields,
    }),
  });
}

const available = async () =>
  (await db.select({ q: listings.quantityAvailable }).from(listings).where(eq(listings.id, lotId)))[0].q;
const ordersOfBuyer = () =>
  db.select({ id: orders.id }).from(orders).where(eq(orders.buyerOrgId, buyerOrgId));

describe('the buy-now form’s one-time token', () => {
  it('20 posts of one form at once: one order, one stock reservation, every answer pointing at it', async () => {
    const token = await formToken();
    const before = await available();
    const answers = await Promise.all(Array.from({ length: 20 }, () => postForm({ buyToken: token })));
    const places = answers.map((r) => `${r.status} ${r.headers.get('Location') ?? ''}`);
    const made = await ordersOfBuyer();
    expect(made).toHaveLength(1);
    expect(new Set(places)).toEqual(new Set([`302 /orders/${made[0].id}`]));
    expect(before - (await available())).toBe(12_000);
    const [claim] = await db
      .select()
      .from(buyTokens)
      .where(and(eq(buyTokens.buyerOrgId, buyerOrgId), eq(buyTokens.token, token)));
    expect(claim.orderId).toBe(made[0].id);

    // Later, a repeat (the back button and submit again) still answers with the first order.
    const again = await postForm({ buyToken: token });
    expect(again.headers.get('Location')).toBe(`/orders/${made[0].id}`);
    expect(await ordersOfBuyer()).toHaveLength(1);
  });

  it('a fresh page gives a fresh token, and a second order; a malformed token is a 400 that buys nothing', async () => {
    const before = (await ordersOfBuyer()).length;
    const second = await postForm({ buyToken: await formToken() });
    expect(second.status).toBe(302);
    expect(await ordersOfBuyer()).toHaveLength(before + 1);
    const bad = await postForm({ buyToken: 'short' });
    expect(bad.status).toBe(400);
    expect(await ordersOfBuyer()).toHaveLength(before + 1);
  });
});
