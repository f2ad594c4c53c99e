// What the order-farming pages read: the plan board, a seller's plans, a plan with its posts and pre-orders, a buyer's pre-orders.
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { categories, harvestPlans, organisations, planPosts, planVersions, preOrders } from '../../db/schema';
import type { Viewer } from '../lib/auth.server';
import { toDecimalString } from '../lib/money';
import { parseAttributes } from '../listings/catalogue';
import { specRows } from '../listings/queries.server';
import { digitalLinkPath } from '../trace/epcis';
import { type QuantityUnit, fromBase } from '../lib/units';

export const PLAN_PAGE_SIZE = 20;
export const PLAN_SORTS = ['harvest', 'newest'] as const;
export type PlanSort = (typeof PLAN_SORTS)[number];

export function pageOf(value: string | null): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}

export function sortOf(value: string | null): PlanSort {
  return (PLAN_SORTS as readonly string[]).includes(value ?? '') ? (value as PlanSort) : 'harvest';
}

const planCard = {
  id: harvestPlans.id,
  title: harvestPlans.title,
  grade: harvestPlans.grade,
  status: harvestPlans.status,
  sellerOrgId: harvestPlans.sellerOrgId,
  sellerName: organisations.name,
  categoryId: harvestPlans.categoryId,
  categoryZh: categories.nameZh,
  categoryEn: categories.nameEn,
  expectedMin: harvestPlans.expectedMin,
  expectedMax: harvestPlans.expectedMax,
  committed: harvestPlans.committed,
  displayUnit: harvestPlans.displayUnit,
  harvestFrom: harvestPlans.harvestFrom,
  harvestTo: harvestPlans.harvestTo,
  cutoffDate: harvestPlans.cutoffDate,
  priceMode: harvestPlans.priceMode,
  unitPriceFen: harvestPlans.unitPriceFen,
  referenceAdjustBps: harvestPlans.referenceAdjustBps,
  baseUnit: categories.baseUnit,
  originName: harvestPlans.originName,
  originRegion: harvestPlans.originRegion,
  version: harvestPlans.version,
};

function ordering(sort: PlanSort) {
  return sort === 'newest'
    ? [desc(harvestPlans.createdAt), desc(harvestPlans.id)]
    : [asc(harvestPlans.harvestFrom), asc(harvestPlans.id)];
}

/** The public board: plans taking pre-orders, a page at a time. */
export async function openPlans(tx: DbOrTx, page: number, sort: PlanSort) {
  const rows = await tx
    .select(planCard)
    .from(harvestPlans)
    .innerJoin(organisations, eq(organisations.id, harvestPlans.sellerOrgId))
    .innerJoin(categories, eq(categories.id, harvestPlans.categoryId))
    .where(eq(harvestPlans.status, 'open'))
    .orderBy(...ordering(sort))
    .limit(PLAN_PAGE_SIZE + 1)
    .offset((page - 1) * PLAN_PAGE_SIZE);
  return { rows: rows.slice(0, PLAN_PAGE_SIZE), hasMore: rows.length > PLAN_PAGE_SIZE };
}

/** A seller's plans taking pre-orders, harvest soonest first (a fair booth shows them). */
export function openPlansOfSeller(tx: DbOrTx, orgId: string) {
  return tx
    .select(planCard)
    .from(harvestPlans)
    .innerJoin(organisations, eq(organisations.id, harvestPlans.sellerOrgId))
    .innerJoin(categories, eq(categories.id, harvestPlans.categoryId))
    .where(and(eq(harvestPlans.sellerOrgId, orgId), eq(harvestPlans.status, 'open')))
    .orderBy(...ordering('harvest'))
    .limit(PLAN_PAGE_SIZE);
}

/** A seller's own plans in every state (a late harvest is flagged from the dates). */
export async function sellerPlans(tx: DbOrTx, orgId: string, page: number, sort: PlanSort) {
  const rows = await tx
    .select(planCard)
    .from(harvestPlans)
    .innerJoin(organisations, eq(organisations.id, harvestPlans.sellerOrgId))
    .innerJoin(categories, eq(categories.id, harvestPlans.categoryId))
    .where(eq(harvestPlans.sellerOrgId, orgId))
    .orderBy(...ordering(sort))
    .limit(PLAN_PAGE_SIZE + 1)
    .offset((page - 1) * PLAN_PAGE_SIZE);
  return { rows: rows.slice(0, PLAN_PAGE_SIZE), hasMore: rows.length > PLAN_PAGE_SIZE };
}

/** One plan with everything its public page shows. */
export async function planDetail(tx: DbOrTx, planId: string) {
  const [row] = await tx
    .select({
      ...planCard,
      minPerBuyer: harvestPlans.minPerBuyer,
      maxPerBuyer: harvestPlans.maxPerBuyer,
      depositBps: harvestPlans.depositBps,
      forfeitBps: harvestPlans.forfeitBps,
      materialDays: harvestPlans.materialDays,
      allocation: harvestPlans.allocation,
      delivery: harvestPlans.delivery,
      notes: harvestPlans.notes,
      statusReason: harvestPlans.statusReason,
      harvestedQuantity: harvestPlans.harvestedQuantity,
      listingId: harvestPlans.listingId,
      currency: harvestPlans.currency,
      overdueSince: harvestPlans.overdueSince,
      spec: harvestPlans.spec,
      attributes: categories.attributes,
    })
    .from(harvestPlans)
    .innerJoin(organisations, eq(organisations.id, harvestPlans.sellerOrgId))
    .innerJoin(categories, eq(categories.id, harvestPlans.categoryId))
    .where(eq(harvestPlans.id, planId));
  if (!row) return null;
  const { spec, attributes, ...rest } = row;
  const plan = { ...rest, specRows: specRows(parseAttributes(attributes), spec as Record<string, unknown>) };
  const posts = await tx
    .select({
      id: planPosts.id,
      body: planPosts.body,
      photoKey: planPosts.photoKey,
      createdAt: planPosts.createdAt,
    })
    .from(planPosts)
    .where(eq(planPosts.planId, planId))
    .orderBy(desc(planPosts.createdAt))
    .limit(50);
  const versions = await tx
    .select({
      version: planVersions.version,
      changes: planVersions.changes,
      material: planVersions.material,
      createdAt: planVersions.createdAt,
    })
    .from(planVersions)
    .where(eq(planVersions.planId, planId))
    .orderBy(desc(planVersions.version))
    .limit(20);
  // The delivered lot's public trace, which starts at the plan's pond or plot (its origin).
  const traceHref = plan.listingId ? digitalLinkPath(plan.categoryId, plan.listingId) : null;
  return { plan, posts, versions, traceHref };
}

/** A category's attributes as the plan form shows them (parsed here: the catalogue's zod stays on the server). */
export function planAttributes(category: { attributes: unknown } | null | undefined) {
  return category ? parseAttributes(category.attributes) : [];
}

/** The plan's row as its editor fills the form (the seller's own only). */
export async function planForEdit(tx: DbOrTx, planId: string, orgId: string) {
  const [plan] = await tx
    .select()
    .from(harvestPlans)
    .where(and(eq(harvestPlans.id, planId), eq(harvestPlans.sellerOrgId, orgId)));
  return plan ?? null;
}

/** The pre-orders on a plan, in commitment order, for its seller. */
export async function planPreOrders(tx: DbOrTx, planId: string) {
  return tx
    .select({
      id: preOrders.id,
      seq: preOrders.seq,
      buyerName: organisations.name,
      quantity: preOrders.quantity,
      depositFen: preOrders.depositFen,
      status: preOrders.status,
      allocated: preOrders.allocated,
      orderId: preOrders.orderId,
      mayWithdraw: preOrders.mayWithdraw,
      createdAt: preOrders.createdAt,
    })
    .from(preOrders)
    .innerJoin(organisations, eq(organisations.id, preOrders.buyerOrgId))
    .where(eq(preOrders.planId, planId))
    .orderBy(asc(preOrders.seq));
}

/** The viewer's active org's live pre-order on a plan, if any. */
export async function ownPreOrder(tx: DbOrTx, planId: string, orgId: string) {
  const [row] = await tx
    .select()
    .from(preOrders)
    .where(and(eq(preOrders.planId, planId), eq(preOrders.buyerOrgId, orgId)))
    .orderBy(desc(preOrders.seq))
    .limit(1);
  return row ?? null;
}

/** A buyer org's pre-orders, newest first, with their plans. */
export async function buyerPreOrders(tx: DbOrTx, orgId: string, page: number, status: string | null) {
  const rows = await tx
    .select({
      id: preOrders.id,
      planId: harvestPlans.id,
      title: harvestPlans.title,
      sellerName: organisations.name,
      planStatus: harvestPlans.status,
      harvestFrom: harvestPlans.harvestFrom,
      harvestTo: harvestPlans.harvestTo,
      displayUnit: harvestPlans.displayUnit,
      quantity: preOrders.quantity,
      depositFen: preOrders.depositFen,
      status: preOrders.status,
      allocated: preOrders.allocated,
      orderId: preOrders.orderId,
      mayWithdraw: preOrders.mayWithdraw,
      consumerOpen: preOrders.consumerOpen,
      reserved: preOrders.reserved,
      createdAt: preOrders.createdAt,
    })
    .from(preOrders)
    .innerJoin(harvestPlans, eq(harvestPlans.id, preOrders.planId))
    .innerJoin(organisations, eq(organisations.id, harvestPlans.sellerOrgId))
    .where(
      and(
        eq(preOrders.buyerOrgId, orgId),
        status === 'live' ? inArray(preOrders.status, ['pending', 'confirmed']) : undefined,
      ),
    )
    .orderBy(desc(preOrders.seq))
    .limit(PLAN_PAGE_SIZE + 1)
    .offset((page - 1) * PLAN_PAGE_SIZE);
  return { rows: rows.slice(0, PLAN_PAGE_SIZE), hasMore: rows.length > PLAN_PAGE_SIZE };
}

/** A retailer's pre-order with its plan, for the consumer list (its own org only). */
export async function retailerPreOrder(tx: DbOrTx, preOrderId: string, orgId: string) {
  const [row] = await tx
    .select({
      id: preOrders.id,
      planId: harvestPlans.id,
      title: harvestPlans.title,
      displayUnit: harvestPlans.displayUnit,
      baseUnit: categories.baseUnit,
      quantity: preOrders.quantity,
      allocated: preOrders.allocated,
      reserved: preOrders.reserved,
      status: preOrders.status,
      consumerOpen: preOrders.consumerOpen,
      consumerStores: preOrders.consumerStores,
    })
    .from(preOrders)
    .innerJoin(harvestPlans, eq(harvestPlans.id, preOrders.planId))
    .innerJoin(categories, eq(categories.id, harvestPlans.categoryId))
    .where(and(eq(preOrders.id, preOrderId), eq(preOrders.buyerOrgId, orgId)));
  return row ?? null;
}

/** Whether the viewer acts for a buyer org (not a viewer role) and so may pre-order. */
export function mayPreOrder(viewer: Viewer | null): boolean {
  const org = viewer?.activeOrg;
  return Boolean(org && (org.kind === 'buyer' || org.kind === 'both') && org.role !== 'viewer');
}

/** A plan's stored terms as its form shows them again for editing. */
export function planFormValues(plan: {
  categoryId: string;
  title: string;
  grade: string;
  expectedMin: number;
  expectedMax: number;
  displayUnit: string;
  minPerBuyer: number;
  maxPerBuyer: number;
  harvestFrom: string;
  harvestTo: string;
  cutoffDate: string;
  priceMode: string;
  unitPriceFen: number;
  referenceAdjustBps: number;
  depositBps: number;
  forfeitBps: number;
  materialDays: number;
  allocation: string;
  delivery: string[];
  originName: string;
  originRegion: string;
  notes: string | null;
  spec: unknown;
}): Record<string, string> {
  const unit = plan.displayUnit as QuantityUnit;
  const pct = (bps: number) => String(bps / 100);
  return {
    categoryId: plan.categoryId,
    title: plan.title,
    grade: plan.grade,
    expectedMin: fromBase(plan.expectedMin, unit),
    expectedMax: fromBase(plan.expectedMax, unit),
    unit,
    minPerBuyer: fromBase(plan.minPerBuyer, unit),
    maxPerBuyer: fromBase(plan.maxPerBuyer, unit),
    harvestFrom: plan.harvestFrom,
    harvestTo: plan.harvestTo,
    cutoffDate: plan.cutoffDate,
    priceMode: plan.priceMode,
    price: toDecimalString(plan.unitPriceFen),
    adjustPct: pct(plan.referenceAdjustBps),
    depositPct: pct(plan.depositBps),
    forfeitPct: pct(plan.forfeitBps),
    materialDays: String(plan.materialDays),
    allocation: plan.allocation,
    delivery: plan.delivery.join(','),
    originName: plan.originName,
    originRegion: plan.originRegion,
    notes: plan.notes ?? '',
    ...Object.fromEntries(
      Object.entries((plan.spec ?? {}) as Record<string, unknown>).map(([key, value]) => [
        `spec.${key}`,
        String(value),
      ]),
    ),
  };
}

/** The harvest plan a lot came from, with its progress posts, for the lot's public trace (null for other lots). */
export async function planOfLot(tx: DbOrTx, listingId: string) {
  const [plan] = await tx
    .select({ id: harvestPlans.id, title: harvestPlans.title })
    .from(harvestPlans)
    .where(eq(harvestPlans.listingId, listingId));
  if (!plan) return null;
  const posts = await tx
    .select({
      id: planPosts.id,
      body: planPosts.body,
      photoKey: planPosts.photoKey,
      createdAt: planPosts.createdAt,
    })
    .from(planPosts)
    .where(eq(planPosts.planId, plan.id))
    .orderBy(asc(planPosts.createdAt))
    .limit(20);
  return {
    ...plan,
    posts: posts.map((p) => ({ id: p.id, body: p.body, hasPhoto: Boolean(p.photoKey), at: p.createdAt })),
  };
}
