// The lot page's actions work end to end: ask the seller for a quote (a demand shaped after the lot) and open the lot's trace.
import { and, eq, ne } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { demands, listings } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { call, formRequest, getRequest, logInAs } from '../support/http';

let buyer: string;
let lotId: string;

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  buyer = await logInAs('restaurant@wharf.test');
  const [lot] = await db
    .select({ id: listings.id })
    .from(listings)
    .where(and(eq(listings.status, 'live'), ne(listings.saleMode, 'auction')))
    .limit(1);
  lotId = lot.id;
});

describe('lot actions', () => {
  it('the lot page links to a quote request and to the trace, and the trace answers', async () => {
    const { loader } = await import('../../app/routes/market.$listingId');
    const data = (await (
      await call(() =>
        loader({
          request: getRequest(`/market/${lotId}`, { cookie: buyer }),
          params: { listingId: lotId },
          context: {},
        }),
      )
    ).json()) as { asBuyer: boolean; tracePath: string };
    expect(data.asBuyer).toBe(true);
    expect(data.tracePath).toMatch(/^\/01\/\d{14}\/10\/[0-9a-z]+$/);
    const [, , gtin, , lot] = data.tracePath.split('/');
    const trace = await import('../../app/routes/01.$gtin.10.$lot');
    const answer = await call(() =>
      trace.loader({ request: getRequest(data.tracePath), params: { gtin, lot }, context: {} }),
    );
    expect(answer.status).toBe(200);
  });

  it('asking for a quote prefills a demand from the lot, and posting it makes a demand sellers can quote on', async () => {
    const route = await import('../../app/routes/demands.new');
    const page = (await (
      await call(() =>
        route.loader({
          request: getRequest(`/demands/new?listing=${lotId}`, { cookie: buyer }),
          params: {},
          context: {},
        }),
      )
    ).json()) as {
      category: { id: string } | null;
      aboutLot: { id: string } | null;
      initial: Record<string, string>;
    };
    expect(page.aboutLot?.id).toBe(lotId);
    expect(page.category).not.toBeNull();
    expect(page.initial.notes).toContain(`/market/${lotId}`);
    const fields = { ...page.initial, categoryId: page.category!.id, quantity: '1' };
    const posted = await call(() =>
      route.action({
        request: formRequest('/demands/new', fields, { cookie: buyer }),
        params: {},
        context: {},
      }),
    );
    expect(posted.status).toBe(302);
    const id = posted.headers.get('Location')?.split('/').pop() ?? '';
    const [demand] = await db.select().from(demands).where(eq(demands.id, id));
    expect(demand.categoryId).toBe(page.category!.id);
    expect(demand.notes).toContain(`/market/${lotId}`);
  });
});
