// Trading fixtures: a verified seller of its own, a buyer org, and live lots entered through the listing form.
import { randomBytes } from 'node:crypto';
import { type DbOrTx, db as defaultDb } from '../../db/client';
import { and, eq } from 'drizzle-orm';
import { categories, listings, memberships, organisations, users } from '../../db/schema';
import { seedCatalogue } from '../../db/seed';
import { marketToday, parseListingForm } from '../../app/listings/form.server';
import { createListing } from '../../app/listings/listings.server';

export type Seller = { orgId: string; userId: string };

/** A verified seller (so what it submits goes live), unique per call so tests in one file don't share stock. */
export async function verifiedSeller(db: DbOrTx): Promise<Seller> {
  await seedCatalogue(db);
  const tag = randomBytes(4).toString('hex');
  const seller = { orgId: `org_t${tag}`, userId: `usr_t${tag}` };
  await db
    .insert(organisations)
    .values({ id: seller.orgId, name: `测试水产 ${tag}`, kind: 'seller', verification: 'verified' });
  await db
    .insert(users)
    .values({ id: seller.userId, email: `seller-${tag}@example.test`, name: '测试', passwordHash: 'x' });
  await db.insert(memberships).values({ orgId: seller.orgId, userId: seller.userId, role: 'owner' });
  return seller;
}

/** A buyer organisation with one trader, unique per call. */
export async function buyerOrg(db: DbOrTx = defaultDb): Promise<Seller> {
  const tag = randomBytes(4).toString('hex');
  const buyer = { orgId: `org_b${tag}`, userId: `usr_b${tag}` };
  await db.insert(organisations).values({ id: buyer.orgId, name: `粤味轩 ${tag}`, kind: 'buyer' });
  await db
    .insert(users)
    .values({ id: buyer.userId, email: `buyer-${tag}@example.test`, name: '买家', passwordHash: 'x' });
  await db.insert(memberships).values({ orgId: buyer.orgId, userId: buyer.userId, role: 'trader' });
  return buyer;
}

/**
 * A live lot of whiteleg shrimp, `quantityKg` of it, harvested today. A seller listing it twice with the
 * same title is a near-duplicate to screening: tests that list several while a worker runs pass a
 * `titleZh` of their own (a batch number, as sellers write).
 */
export async function liveShrimpLot(
  db: DbOrTx,
  seller: Seller,
  quantityKg = '1000',
  options: { titleZh?: string } = {},
): Promise<string> {
  const { id, status } = await shrimpLot(db, seller, { ...options, quantityKg, submit: true });
  if (status !== 'live') throw new Error(`fixture lot is ${status}, not live`);
  return id;
}

/** A lot of whiteleg shrimp entered through the listing form: a draft, or submitted (`submit`). */
export async function shrimpLot(
  db: DbOrTx,
  seller: Seller,
  options: { titleZh?: string; quantityKg?: string; submit: boolean },
) {
  const categoriesById = new Map((await db.select().from(categories)).map((c) => [c.id, c]));
  const parsed = parseListingForm(shrimpLotFields(options), categoriesById);
  if (!parsed.ok) throw new Error(`fixture lot fails the form: ${JSON.stringify(parsed.errors)}`);
  return createListing(db, {
    orgId: seller.orgId,
    actorUserId: seller.userId,
    draft: parsed.draft,
    submit: options.submit,
  });
}

/** The listing form's fields for a shrimp lot, as a seller posts them. */
export function shrimpLotFields(
  options: { titleZh?: string; quantityKg?: string } = {},
): Record<string, string> {
  return {
    categoryId: 'whiteleg-shrimp',
    titleZh: options.titleZh ?? '南美白对虾 40/50 头 鲜活',
    originName: '湛江东海岛',
    originRegion: '广东',
    harvestDate: marketToday(),
    shelfLifeDays: '3',
    quantity: options.quantityKg ?? '1000',
    unit: 'kg',
    moq: '0.3',
    priceUnit: 'kg',
    'tiers.0.price': '42',
    saleMode: 'fixed',
    coldChain: 'live',
    pickupPlace: '湛江霞山水产品批发市场 3 号冷库',
    'spec.count': '40/50',
    'spec.state': 'live',
  };
}

/** The seeded demo lot most tests trade: 海兴's live 40/50 whiteleg shrimp (db/seed-listings.ts). */
export async function demoShrimpLotId(db: DbOrTx = defaultDb): Promise<string> {
  const [lot] = await db
    .select({ id: listings.id })
    .from(listings)
    .where(
      and(
        eq(listings.sellerOrgId, 'org_haixing'),
        eq(listings.categoryId, 'whiteleg-shrimp'),
        eq(listings.status, 'live'),
        eq(listings.titleZh, '湛江南美白对虾 40/50 头 塘头鲜活'),
      ),
    );
  if (!lot) throw new Error('the demo market has no live 40/50 shrimp lot of org_haixing');
  return lot.id;
}
