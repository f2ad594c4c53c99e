// Demo demand posts and quotes for the seeded market (called by db/seed.ts after the lots exist).
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from './client';
import { categories, listings } from './schema';
import { createDemand } from '../app/demand/demands.server';
import { parseDemandForm, parseOfferForm } from '../app/demand/form.server';
import { counterQuote, createQuote } from '../app/demand/quotes.server';
import { marketToday } from '../app/listings/form.server';

type DemoDemand = {
  buyer: { orgId: string; userId: string };
  /** Exactly the fields the demand form posts, less the dates. */
  form: Record<string, string>;
  deliverInDays: number;
  /** A seller's quote, backed by its first live lot of the category, and optionally the buyer's counter. */
  quote?: {
    seller: { orgId: string; userId: string };
    form: Record<string, string>;
    counter?: Record<string, string>;
  };
};

const YUEWEI = { orgId: 'org_yuewei', userId: 'usr_yuewei' };
const XIANFENG = { orgId: 'org_xianfeng', userId: 'usr_xianfeng' };

const DEMANDS: DemoDemand[] = [
  {
    buyer: YUEWEI,
    deliverInDays: 3,
    form: {
      categoryId: 'whiteleg-shrimp',
      title: '酒楼用鲜活白虾 40/50 或 50/60，每周两车',
      'spec.count': '40/50,50/60',
      'spec.state': 'live',
      quantity: '500',
      unit: 'kg',
      targetPrice: '40',
      priceUnit: 'kg',
      deliveryCity: 'guangzhou',
      coldChain: 'live',
      visibility: 'all',
      notes: '早上 6 点前送到天河后厨，活虾入水验货，死虾率超过 2% 拒收。',
    },
    quote: {
      seller: { orgId: 'org_haixing', userId: 'usr_haixing' },
      form: {
        price: '41.5',
        priceUnit: 'kg',
        quantity: '500',
        unit: 'kg',
        validDays: '3',
        note: '塘头现捞，活水车直送。',
      },
      counter: {
        price: '40.5',
        priceUnit: 'kg',
        quantity: '500',
        unit: 'kg',
        validDays: '2',
        note: '长期合作，价格再让一点。',
      },
    },
  },
  {
    buyer: XIANFENG,
    deliverInDays: 5,
    form: {
      categoryId: 'oyster',
      title: '门店生蚝 壳长 10–14 厘米 带壳',
      'spec.shellLength.min': '10',
      'spec.shellLength.max': '14',
      'spec.form': 'shell',
      quantity: '20000',
      unit: 'piece',
      targetPrice: '3',
      priceUnit: 'piece',
      deliveryCity: 'shenzhen',
      coldChain: 'chilled',
      visibility: 'verified',
      notes: '分三批送到福田配送中心，每批附检疫证明。',
    },
    quote: {
      seller: { orgId: 'org_maowei', userId: 'usr_maowei' },
      form: { price: '3.2', priceUnit: 'piece', quantity: '20000', unit: 'piece', validDays: '3' },
    },
  },
  {
    buyer: XIANFENG,
    deliverInDays: 7,
    form: {
      categoryId: 'banana',
      title: '超市香蕉 一级 中大果',
      'spec.grade': 'first',
      'spec.size': 'm,l',
      quantity: '5',
      unit: 't',
      priceUnit: 'jin',
      deliveryCity: 'shenzhen',
      coldChain: 'ambient',
      visibility: 'all',
    },
  },
];

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export async function seedDemoDemand(tx: DbOrTx, today = marketToday()): Promise<void> {
  const byId = new Map((await tx.select().from(categories)).map((c) => [c.id, c]));
  for (const [i, demo] of DEMANDS.entries()) {
    const deliverBy = addDays(today, demo.deliverInDays);
    const category = byId.get(demo.form.categoryId);
    const parsed = parseDemandForm({ ...demo.form, deliverBy }, category, today);
    if (!parsed.ok) throw new Error(`demo demand ${i} fails the form: ${JSON.stringify(parsed.errors)}`);
    const demandId = await createDemand(tx, {
      orgId: demo.buyer.orgId,
      actorUserId: demo.buyer.userId,
      draft: parsed.draft,
    });
    if (!demo.quote || !category) continue;
    const [lot] = await tx
      .select({ id: listings.id })
      .from(listings)
      .where(
        and(
          eq(listings.sellerOrgId, demo.quote.seller.orgId),
          eq(listings.categoryId, category.id),
          eq(listings.status, 'live'),
        ),
      )
      .orderBy(asc(listings.createdAt))
      .limit(1);
    const offer = parseOfferForm({ ...demo.quote.form, deliverBy }, category, today);
    if (!offer.ok) throw new Error(`demo quote ${i} fails the form: ${JSON.stringify(offer.errors)}`);
    const quoteId = await createQuote(tx, {
      demandId,
      seller: demo.quote.seller,
      listingId: lot?.id ?? null,
      draft: offer.draft,
    });
    if (!demo.quote.counter) continue;
    const counter = parseOfferForm({ ...demo.quote.counter, deliverBy }, category, today);
    if (!counter.ok) throw new Error(`demo counter ${i} fails the form: ${JSON.stringify(counter.errors)}`);
    await counterQuote(tx, { quoteId, actor: demo.buyer, expectedVersion: 1, draft: counter.draft });
  }
}
