// Harvest plans and pre-orders (订单农业): publish and version a plan, pre-order with a deposit held in the ledger,
// confirm or decline, withdraw after a material change, record the weighed harvest and turn fills into orders,
// cancel after a crop failure, and forfeit the deposit of a buyer who does not pay the balance.
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import {
  type HarvestPlan,
  type PreOrder,
  categories,
  harvestPlans,
  listings,
  orders,
  organisations,
  planPosts,
  planVersions,
  preOrders,
} from '../../db/schema';
import { LedgerError, holdDeposit, post, releaseDeposit, releaseEscrow } from '../ledger/ledger.server';
import { assertOrgMayAct, orgMayTrade } from '../lib/auth.server';
import type { FieldErrors } from '../lib/forms.server';
import { newId } from '../lib/ids';
import { addDays, marketToday } from '../lib/market-time';
import { type Currency, lineTotal, parseMoney, percentOf } from '../lib/money';
import { type QuantityUnit, toBase, unitsFor } from '../lib/units';
import { type AttributeDefinition, parseAttributes, specSchema } from '../listings/catalogue';
import { GRADE_KEYS, UNGRADED, tradeGrade } from '../market-data/index.server';
import { lotReferencePriceFen } from '../market-data/lot-reference.server';
import { recordHarvest as recordTraceHarvest } from '../trace/trace.server';
import { moneyParam } from '../notify/render';
import { notify } from '../notify/notify.server';
import type { OrderEventHook } from '../orders/hooks.server';
import { createOrderInTx } from '../orders/orders.server';
import { perBaseOf } from '../orders/pricing';
import { type PlanTerms, allocateHarvest, depositOutcome, harvestUnitPrice, planChanges } from './allocation';

export class FarmingError extends Error {
  constructor(
    /** An i18n key the UI shows. */
    public readonly messageKey: string,
    public readonly status = 409,
    public readonly field = 'form',
    public readonly params: Record<string, string> = {},
  ) {
    super(messageKey);
  }
}

export const DELIVERY_OPTIONS = ['pickup', 'delivery', 'coldchain'] as const;

export type PlanDraft = PlanTerms & {
  categoryId: string;
  displayUnit: QuantityUnit;
  minPerBuyer: number;
  maxPerBuyer: number;
  depositBps: number;
  forfeitBps: number;
  materialDays: number;
  allocation: 'commitment' | 'pro_rata';
  originRegion: string;
  /** The grade the plan sells, in the category's spec attributes: the reference price and the harvested lot read it. */
  spec: Record<string, string | number>;
};

const QUANTITY_ERRORS: Record<string, string> = {
  invalid: 'errors.notANumber',
  tooPrecise: 'errors.tooPrecise',
  notPositive: 'errors.mustBePositive',
  tooLarge: 'errors.tooLarge',
  caseWeightMissing: 'errors.wrongUnit',
  wrongUnitForBase: 'errors.wrongUnit',
};

function validDay(value: string | undefined): value is string {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/** Parses a quantity typed in a unit of the category into base units; puts a message on `field` if it cannot. */
export function quantityIn(
  text: string | undefined,
  unit: QuantityUnit,
  baseUnit: 'g' | 'piece',
  field: string,
  errors: FieldErrors,
): number {
  const value = text?.trim() ?? '';
  if (!value) {
    errors[field] ??= 'errors.required';
    return 0;
  }
  const parsed = toBase(value, unit, { base: baseUnit });
  if (!parsed.ok) {
    errors[field] ??= QUANTITY_ERRORS[parsed.error] ?? 'errors.invalid';
    return 0;
  }
  return parsed.value;
}

/** Units a plan or pre-order may be typed in: weights for goods by weight (no cases), pieces otherwise. */
export function planUnits(baseUnit: 'g' | 'piece'): QuantityUnit[] {
  return unitsFor(baseUnit).filter((u) => u !== 'case' && u !== 'g');
}

function percentField(
  form: Record<string, string>,
  field: string,
  min: number,
  max: number,
  errors: FieldErrors,
  fallback?: number,
): number {
  const text = form[field]?.trim() ?? '';
  if (!text && fallback !== undefined) return fallback;
  if (!/^-?\d+(\.\d{1,2})?$/.test(text)) {
    errors[field] = text ? 'errors.notANumber' : 'errors.required';
    return 0;
  }
  const bps = Math.round(Number(text) * 100);
  if (bps < min || bps > max) errors[field] = 'errors.outOfRange';
  return bps;
}

/** The plan form → a draft, or per-field messages. `today` bounds the dates of a new plan. */
export function parsePlanForm(
  form: Record<string, string>,
  category: { id: string; baseUnit: 'g' | 'piece'; attributes: unknown } | null,
  today: string,
  isNew: boolean,
): { ok: true; draft: PlanDraft } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!category) errors.categoryId = 'errors.chooseOne';
  const baseUnit = category?.baseUnit ?? 'g';
  const title = form.title?.trim() ?? '';
  if (!title) errors.title = 'errors.required';
  else if (title.length > 120) errors.title = 'errors.tooLong';
  const unit = (form.unit || (baseUnit === 'piece' ? 'piece' : 'kg')) as QuantityUnit;
  if (!planUnits(baseUnit).includes(unit)) errors.unit = 'errors.wrongUnit';
  const expectedMin = quantityIn(form.expectedMin, unit, baseUnit, 'expectedMin', errors);
  const expectedMax = quantityIn(form.expectedMax, unit, baseUnit, 'expectedMax', errors);
  if (!errors.expectedMin && !errors.expectedMax && expectedMin > expectedMax)
    errors.expectedMax = 'farming.errors.maxBelowMin';
  const minPerBuyer = quantityIn(form.minPerBuyer, unit, baseUnit, 'minPerBuyer', errors);
  const maxPerBuyer = quantityIn(form.maxPerBuyer, unit, baseUnit, 'maxPerBuyer', errors);
  if (!errors.minPerBuyer && !errors.maxPerBuyer && minPerBuyer > maxPerBuyer)
    errors.maxPerBuyer = 'farming.errors.maxBelowMin';
  if (!errors.maxPerBuyer && !errors.expectedMax && maxPerBuyer > expectedMax)
    errors.maxPerBuyer = 'farming.errors.perBuyerAboveExpected';
  for (const field of ['harvestFrom', 'harvestTo', 'cutoffDate'] as const)
    if (!validDay(form[field])) errors[field] = form[field] ? 'errors.dateInvalid' : 'errors.required';
  const harvestFrom = form.harvestFrom ?? '';
  const harvestTo = form.harvestTo ?? '';
  const cutoffDate = form.cutoffDate ?? '';
  if (!errors.harvestFrom && !errors.harvestTo && harvestTo < harvestFrom)
    errors.harvestTo = 'farming.errors.windowBackwards';
  if (isNew && !errors.harvestFrom && harvestFrom < today) errors.harvestFrom = 'farming.errors.inThePast';
  if (isNew && !errors.cutoffDate && cutoffDate < today) errors.cutoffDate = 'farming.errors.inThePast';
  if (!errors.cutoffDate && !errors.harvestTo && cutoffDate > harvestTo)
    errors.cutoffDate = 'farming.errors.cutoffAfterHarvest';
  const priceMode =
    form.priceMode === 'reference' ? 'reference' : form.priceMode === 'fixed' ? 'fixed' : null;
  if (!priceMode) errors.priceMode = 'errors.chooseOne';
  const price = parseMoney(form.price ?? '');
  if (!price.ok || price.amount <= 0)
    errors.price = !form.price?.trim()
      ? 'errors.required'
      : price.ok
        ? 'errors.pricePositive'
        : price.error === 'tooPrecise'
          ? 'errors.tooPrecise'
          : 'errors.priceInvalid';
  const referenceAdjustBps =
    priceMode === 'reference' ? percentField(form, 'adjustPct', -5000, 5000, errors, 0) : 0;
  const depositBps = percentField(form, 'depositPct', 0, 10_000, errors);
  const forfeitBps = percentField(form, 'forfeitPct', 0, 10_000, errors, 10_000);
  const materialText = form.materialDays?.trim() || '7';
  const materialDays = /^\d{1,3}$/.test(materialText) ? Number(materialText) : -1;
  if (materialDays < 0 || materialDays > 365) errors.materialDays = 'errors.outOfRange';
  const allocation =
    form.allocation === 'pro_rata' ? 'pro_rata' : form.allocation === 'commitment' ? 'commitment' : null;
  if (!allocation) errors.allocation = 'errors.chooseOne';
  const delivery = (form.delivery ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  if (delivery.length === 0 || delivery.some((d) => !(DELIVERY_OPTIONS as readonly string[]).includes(d)))
    errors.delivery = 'errors.chooseOne';
  const originName = form.originName?.trim() ?? '';
  if (!originName) errors.originName = 'errors.required';
  else if (originName.length > 120) errors.originName = 'errors.tooLong';
  const originRegion = form.originRegion?.trim() ?? '';
  if (!originRegion) errors.originRegion = 'errors.required';
  else if (originRegion.length > 120) errors.originRegion = 'errors.tooLong';
  const grade = form.grade?.trim() ?? '';
  if (grade.length > 80) errors.grade = 'errors.tooLong';
  const notes = form.notes?.trim() || null;
  if (notes && notes.length > 2000) errors.notes = 'errors.tooLong';
  const spec = category ? planSpec(form, category, priceMode, errors) : {};
  if (Object.keys(errors).length > 0 || !category || !priceMode || !allocation || !price.ok)
    return { ok: false, errors };
  return {
    ok: true,
    draft: {
      categoryId: category.id,
      title,
      grade,
      expectedMin,
      expectedMax,
      displayUnit: unit,
      harvestFrom,
      harvestTo,
      cutoffDate,
      priceMode,
      unitPriceFen: price.amount,
      referenceAdjustBps,
      minPerBuyer,
      maxPerBuyer,
      depositBps,
      forfeitBps,
      materialDays,
      allocation,
      delivery,
      originName,
      originRegion,
      notes,
      spec,
    },
  };
}

/** The attribute a category grades its lots by for the price index (count, grade or size), if it has one. */
export function gradingAttribute(attributes: readonly AttributeDefinition[]): AttributeDefinition | null {
  for (const key of GRADE_KEYS) {
    const attribute = attributes.find((a) => a.key === key);
    if (attribute) return attribute;
  }
  return null;
}

/**
 * The plan's grade as a spec of its category: each attribute optional (a plan may leave the state or the glaze
 * open), typed and bounded as on a lot. A plan priced off the reference must name the grade the index reads,
 * or at harvest there would be no reference to price it by.
 */
function planSpec(
  form: Record<string, string>,
  category: { baseUnit: 'g' | 'piece'; attributes: unknown },
  priceMode: 'fixed' | 'reference' | null,
  errors: FieldErrors,
): Record<string, string | number> {
  const attributes = parseAttributes(category.attributes);
  const input: Record<string, string> = {};
  for (const [name, value] of Object.entries(form))
    if (name.startsWith('spec.') && value.trim() !== '') input[name.slice(5)] = value;
  const parsed = specSchema(attributes.map((a) => ({ ...a, required: false }))).safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys')
        for (const key of issue.keys) errors[`spec.${key}`] = 'errors.unknownAttribute';
      else
        errors[`spec.${String(issue.path[0])}`] ??= issue.message.startsWith('errors.')
          ? issue.message
          : 'errors.invalid';
    }
    return {};
  }
  const spec = parsed.data as Record<string, string | number>;
  if (priceMode === 'reference') {
    const grading = gradingAttribute(attributes);
    // The index is per kg of a graded lot (app/market-data/lot-reference.server.ts).
    if (category.baseUnit !== 'g' || !grading) errors.priceMode = 'farming.errors.noReferenceForCategory';
    else if (tradeGrade(spec) === UNGRADED)
      errors[`spec.${grading.key}`] = 'farming.errors.gradeForReference';
  }
  return spec;
}

function terms(plan: PlanTerms): PlanTerms {
  return {
    title: plan.title,
    grade: plan.grade,
    expectedMin: plan.expectedMin,
    expectedMax: plan.expectedMax,
    harvestFrom: plan.harvestFrom,
    harvestTo: plan.harvestTo,
    cutoffDate: plan.cutoffDate,
    priceMode: plan.priceMode,
    unitPriceFen: plan.unitPriceFen,
    referenceAdjustBps: plan.referenceAdjustBps,
    originName: plan.originName,
    notes: plan.notes,
    delivery: plan.delivery,
  };
}

export async function createPlan(
  tx: DbOrTx,
  input: { orgId: string; userId: string; draft: PlanDraft },
): Promise<string> {
  await assertOrgMayAct(tx, input.orgId);
  const id = newId('hpl');
  await tx.insert(harvestPlans).values({
    id,
    sellerOrgId: input.orgId,
    createdBy: input.userId,
    ...input.draft,
  });
  await tx.insert(planVersions).values({
    planId: id,
    version: 1,
    snapshot: { ...input.draft },
    changes: [],
    material: false,
    changedBy: input.userId,
  });
  return id;
}

/** Locks a plan of the seller's for update (the row every pre-order and harvest step of the plan waits on). */
async function lockPlan(tx: DbOrTx, planId: string, sellerOrgId?: string): Promise<HarvestPlan> {
  const [plan] = await tx
    .select()
    .from(harvestPlans)
    .where(
      sellerOrgId
        ? and(eq(harvestPlans.id, planId), eq(harvestPlans.sellerOrgId, sellerOrgId))
        : eq(harvestPlans.id, planId),
    )
    .for('update');
  if (!plan) throw new FarmingError('errors.notFound', 404);
  return plan;
}

async function livePreOrders(tx: DbOrTx, planId: string): Promise<PreOrder[]> {
  return tx
    .select()
    .from(preOrders)
    .where(and(eq(preOrders.planId, planId), inArray(preOrders.status, ['pending', 'confirmed'])))
    .orderBy(asc(preOrders.seq))
    .for('update');
}

const planLink = (planId: string) => `/plans/${planId}`;

/**
 * A new version of an open plan. Every version is kept; buyers holding pre-orders are told what changed, and when
 * the change is material (window moved more than the plan's N days, quantity cut, price raised) they may withdraw.
 */
export async function updatePlan(
  tx: DbOrTx,
  input: { planId: string; orgId: string; userId: string; draft: PlanDraft },
): Promise<{ version: number; material: boolean; changes: string[] }> {
  await assertOrgMayAct(tx, input.orgId);
  const plan = await lockPlan(tx, input.planId, input.orgId);
  if (plan.status !== 'open' && plan.status !== 'closed') throw new FarmingError('farming.errors.planClosed');
  if (input.draft.categoryId !== plan.categoryId)
    throw new FarmingError('farming.errors.categoryFixed', 400, 'categoryId');
  if (input.draft.expectedMax < plan.committed)
    throw new FarmingError('farming.errors.belowCommitted', 400, 'expectedMax');
  const { changes, material: termsMaterial } = planChanges(
    terms(plan),
    terms(input.draft),
    plan.materialDays,
  );
  const other = [
    'minPerBuyer',
    'maxPerBuyer',
    'depositBps',
    'forfeitBps',
    'materialDays',
    'allocation',
    'originRegion',
  ] as const;
  for (const key of other) if (plan[key] !== input.draft[key]) changes.push(key);
  if (JSON.stringify(plan.spec ?? {}) !== JSON.stringify(input.draft.spec)) changes.push('spec');
  // Another grade is other goods (and, on a reference price, another price): buyers may walk away from it.
  const material = termsMaterial || tradeGrade(plan.spec) !== tradeGrade(input.draft.spec);
  if (changes.length === 0) return { version: plan.version, material: false, changes };
  const version = plan.version + 1;
  const { categoryId: _fixed, ...rest } = input.draft;
  // A window moved back ahead of today takes the overdue flag off; pre-orders it freed stay free.
  const overdueSince = input.draft.harvestTo >= marketToday() ? null : plan.overdueSince;
  await tx
    .update(harvestPlans)
    .set({ ...rest, version, overdueSince })
    .where(eq(harvestPlans.id, plan.id));
  await tx.insert(planVersions).values({
    planId: plan.id,
    version,
    snapshot: { ...input.draft },
    changes,
    material,
    changedBy: input.userId,
  });
  const holders = await livePreOrders(tx, plan.id);
  if (material && holders.length > 0)
    await tx
      .update(preOrders)
      .set({ mayWithdraw: true })
      .where(
        inArray(
          preOrders.id,
          holders.map((h) => h.id),
        ),
      );
  for (const holder of holders)
    await notify(tx, {
      type: material ? 'plan-changed-material' : 'plan-changed',
      orgId: holder.buyerOrgId,
      minRole: 'trader',
      params: { plan: input.draft.title, version },
      link: planLink(plan.id),
      subject: { type: 'harvest_plan', id: plan.id },
      dedupeKey: `plan:${plan.id}:v${version}:${holder.buyerOrgId}`,
    });
  return { version, material, changes };
}

/** The deposit for a quantity: the plan's price (the indicative one for a reference price) × its deposit share. */
export function depositFor(
  plan: Pick<HarvestPlan, 'unitPriceFen' | 'depositBps'>,
  quantity: number,
  perBase: number,
) {
  return percentOf(lineTotal(plan.unitPriceFen, quantity, perBase), plan.depositBps);
}

async function baseUnitOf(tx: DbOrTx, categoryId: string): Promise<'g' | 'piece'> {
  const [row] = await tx
    .select({ baseUnit: categories.baseUnit })
    .from(categories)
    .where(eq(categories.id, categoryId));
  return row?.baseUnit ?? 'g';
}

async function orgName(tx: DbOrTx, orgId: string): Promise<string> {
  const [row] = await tx
    .select({ name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, orgId));
  return row?.name ?? '';
}

/**
 * A buyer org pre-orders a quantity. Under the plan's row lock: the plan takes pre-orders (open, cut-off not passed),
 * the quantity is within the per-buyer limits and what is left of the plan's upper expectation (the CHECK on
 * `committed` is the last guard), and the deposit moves from the buyer's available balance to held (the ledger
 * refuses an overdraft). A buyer holding a pending pre-order changes its quantity instead of adding a second.
 */
export async function placePreOrder(
  tx: DbOrTx,
  input: { planId: string; buyerOrgId: string; userId: string; quantity: string; unit: QuantityUnit },
  today = marketToday(),
): Promise<string> {
  await assertOrgMayAct(tx, input.buyerOrgId);
  const plan = await lockPlan(tx, input.planId);
  if (plan.sellerOrgId === input.buyerOrgId) throw new FarmingError('farming.errors.ownPlan', 403);
  if (plan.status !== 'open' || today > plan.cutoffDate) throw new FarmingError('farming.errors.notTaking');
  if (!(await orgMayTrade(tx, plan.sellerOrgId))) throw new FarmingError('farming.errors.notTaking');
  const baseUnit = await baseUnitOf(tx, plan.categoryId);
  const errors: FieldErrors = {};
  if (!planUnits(baseUnit).includes(input.unit)) throw new FarmingError('errors.wrongUnit', 400, 'unit');
  const quantity = quantityIn(input.quantity, input.unit, baseUnit, 'quantity', errors);
  if (errors.quantity) throw new FarmingError(errors.quantity, 400, 'quantity');
  if (quantity < plan.minPerBuyer || quantity > plan.maxPerBuyer)
    throw new FarmingError('farming.errors.perBuyer', 400, 'quantity');
  const [existing] = await tx
    .select()
    .from(preOrders)
    .where(
      and(
        eq(preOrders.planId, plan.id),
        eq(preOrders.buyerOrgId, input.buyerOrgId),
        inArray(preOrders.status, ['pending', 'confirmed']),
      ),
    )
    .for('update');
  if (existing && existing.status === 'confirmed') throw new FarmingError('farming.errors.alreadyConfirmed');
  const before = existing?.quantity ?? 0;
  if (plan.committed - before + quantity > plan.expectedMax)
    throw new FarmingError('farming.errors.overCap', 409, 'quantity');
  if (existing && quantity < existing.reserved)
    throw new FarmingError('farming.errors.belowReserved', 409, 'quantity');
  const perBase = perBaseOf(baseUnit);
  const depositFen = depositFor(plan, quantity, perBase);
  const id = existing?.id ?? newId('pre');
  if (existing) await tx.update(preOrders).set({ quantity, depositFen }).where(eq(preOrders.id, existing.id));
  else
    await tx.insert(preOrders).values({
      id,
      planId: plan.id,
      buyerOrgId: input.buyerOrgId,
      createdBy: input.userId,
      quantity,
      depositFen,
    });
  await tx
    .update(harvestPlans)
    .set({ committed: sql`${harvestPlans.committed} - ${before} + ${quantity}` })
    .where(eq(harvestPlans.id, plan.id));
  await notify(tx, {
    type: 'pre-order-placed',
    orgId: plan.sellerOrgId,
    minRole: 'trader',
    params: { plan: plan.title, buyer: await orgName(tx, input.buyerOrgId) },
    link: `/sell/plans/${plan.id}`,
    subject: { type: 'pre_order', id },
  });
  // Ledger last (ADR 0033): the deposit's difference is held, or given back when the quantity went down.
  const heldBefore = existing?.depositFen ?? 0;
  const delta = depositFen - heldBefore;
  const posting = {
    orgId: input.buyerOrgId,
    amount: Math.abs(delta),
    currency: plan.currency as Currency,
    idempotencyKey: `preorder:${id}:deposit:${heldBefore}:${depositFen}`,
    createdBy: input.userId,
    memo: `pre-order deposit: plan ${plan.id}`,
  };
  try {
    if (delta > 0) await holdDeposit(tx, posting);
    else if (delta < 0) await releaseDeposit(tx, posting);
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'insufficient_funds')
      throw new FarmingError('farming.errors.depositShort', 409, 'quantity');
    throw error;
  }
  return id;
}

/** Gives a pre-order's held deposit back to the buyer (declined, withdrawn, released, plan cancelled). */
async function returnDeposit(
  tx: DbOrTx,
  pre: PreOrder,
  currency: string,
  why: string,
  amount = pre.depositFen,
) {
  if (amount <= 0) return;
  await releaseDeposit(tx, {
    orgId: pre.buyerOrgId,
    amount,
    currency: currency as Currency,
    idempotencyKey: `preorder:${pre.id}:return:${why}`,
    memo: `pre-order deposit returned (${why})`,
  });
}

/** Ends a live pre-order: its quantity leaves the plan's commitments and its deposit goes back. */
async function endPreOrder(
  tx: DbOrTx,
  plan: HarvestPlan,
  pre: PreOrder,
  status: 'declined' | 'withdrawn' | 'cancelled' | 'released',
  reason: string | null,
) {
  await tx
    .update(preOrders)
    .set({ status, statusReason: reason, allocated: status === 'released' ? 0 : null })
    .where(eq(preOrders.id, pre.id));
  await tx
    .update(harvestPlans)
    .set({ committed: sql`${harvestPlans.committed} - ${pre.quantity}` })
    .where(eq(harvestPlans.id, plan.id));
  await returnDeposit(tx, pre, plan.currency, status);
}

async function lockPreOrder(tx: DbOrTx, preOrderId: string): Promise<{ plan: HarvestPlan; pre: PreOrder }> {
  const [found] = await tx
    .select({ planId: preOrders.planId })
    .from(preOrders)
    .where(eq(preOrders.id, preOrderId));
  if (!found) throw new FarmingError('errors.notFound', 404);
  const plan = await lockPlan(tx, found.planId);
  const [pre] = await tx.select().from(preOrders).where(eq(preOrders.id, preOrderId)).for('update');
  return { plan, pre };
}

/** The seller confirms or declines a pending pre-order; a declined one's deposit goes back. */
export async function decidePreOrder(
  tx: DbOrTx,
  input: { preOrderId: string; sellerOrgId: string; decision: 'confirm' | 'decline' },
): Promise<void> {
  await assertOrgMayAct(tx, input.sellerOrgId);
  const { plan, pre } = await lockPreOrder(tx, input.preOrderId);
  if (plan.sellerOrgId !== input.sellerOrgId) throw new FarmingError('errors.notFound', 404);
  if (pre.status !== 'pending' || (plan.status !== 'open' && plan.status !== 'closed'))
    throw new FarmingError('farming.errors.notPending');
  if (input.decision === 'confirm')
    await tx
      .update(preOrders)
      .set({ status: 'confirmed', decidedAt: new Date() })
      .where(eq(preOrders.id, pre.id));
  else {
    await tx.update(preOrders).set({ decidedAt: new Date() }).where(eq(preOrders.id, pre.id));
    await endPreOrder(tx, plan, pre, 'declined', null);
  }
  await notify(tx, {
    type: 'pre-order-decided',
    orgId: pre.buyerOrgId,
    minRole: 'trader',
    params: { plan: plan.title, outcome: `t:farming.decision.${input.decision}` },
    link: planLink(plan.id),
    subject: { type: 'pre_order', id: pre.id },
  });
}

/** The buyer withdraws: a pending pre-order at any time before harvest, a confirmed one only after a material change. */
export async function withdrawPreOrder(
  tx: DbOrTx,
  input: { preOrderId: string; buyerOrgId: string },
): Promise<void> {
  await assertOrgMayAct(tx, input.buyerOrgId);
  const { plan, pre } = await lockPreOrder(tx, input.preOrderId);
  if (pre.buyerOrgId !== input.buyerOrgId) throw new FarmingError('errors.notFound', 404);
  if (plan.status !== 'open' && plan.status !== 'closed') throw new FarmingError('farming.errors.planClosed');
  if (pre.status === 'confirmed' && !pre.mayWithdraw) throw new FarmingError('farming.errors.bound');
  if (pre.status !== 'pending' && pre.status !== 'confirmed')
    throw new FarmingError('farming.errors.notLive');
  await endPreOrder(tx, plan, pre, 'withdrawn', null);
}

/**
 * Crop failure or another reason the seller cannot deliver: the plan is cancelled with its reason, every live
 * pre-order's deposit goes back, buyers are told; confirmed pre-orders count against the seller's credit.
 */
export async function cancelPlan(
  tx: DbOrTx,
  input: { planId: string; sellerOrgId: string; reason: string },
): Promise<void> {
  await assertOrgMayAct(tx, input.sellerOrgId);
  const reason = input.reason.trim();
  if (reason.length < 5) throw new FarmingError('farming.errors.reasonRequired', 400, 'reason');
  const plan = await lockPlan(tx, input.planId, input.sellerOrgId);
  if (plan.status !== 'open' && plan.status !== 'closed') throw new FarmingError('farming.errors.planClosed');
  const holders = await livePreOrders(tx, plan.id);
  await tx
    .update(harvestPlans)
    .set({ status: 'cancelled', statusReason: reason.slice(0, 1000) })
    .where(eq(harvestPlans.id, plan.id));
  for (const pre of holders) {
    await endPreOrder(tx, plan, pre, 'cancelled', reason.slice(0, 500));
    await notify(tx, {
      type: 'plan-cancelled',
      orgId: pre.buyerOrgId,
      minRole: 'trader',
      params: {
        plan: plan.title,
        reason: reason.slice(0, 200),
        amount: moneyParam(pre.depositFen, plan.currency),
      },
      link: planLink(plan.id),
      subject: { type: 'harvest_plan', id: plan.id },
    });
  }
  if (holders.some((h) => h.status === 'confirmed'))
    await import('../lib/outbox.server').then(({ enqueue }) =>
      enqueue(tx, 'moderation', 'recompute-credit', { orgId: plan.sellerOrgId, trigger: 'plan-cancelled' }),
    );
}

/** The seller stops (or resumes) taking pre-orders without changing the plan. */
/**
 * The sweep for slipping dates (ADR 0053): a plan whose window ended more than its material days ago without a
 * harvest has slipped as far as a material change would move it, so it is treated as one — the plan is flagged
 * once, every buyer holding a pre-order may withdraw with the deposit back and is told, and the seller is told to
 * record the harvest, move the window or cancel. Plans another sweep holds are skipped; a flagged plan is not
 * found again, so overlapping or repeated runs tell nobody twice.
 */
export async function flagOverduePlans(tx: DbOrTx, today = marketToday()): Promise<string[]> {
  const due = await tx
    .select()
    .from(harvestPlans)
    .where(
      and(
        inArray(harvestPlans.status, ['open', 'closed']),
        isNull(harvestPlans.overdueSince),
        sql`${harvestPlans.harvestTo} + ${harvestPlans.materialDays} < ${today}::date`,
      ),
    )
    .orderBy(asc(harvestPlans.harvestTo))
    .limit(200)
    .for('update', { skipLocked: true });
  for (const plan of due) {
    await tx.update(harvestPlans).set({ overdueSince: today }).where(eq(harvestPlans.id, plan.id));
    const holders = await livePreOrders(tx, plan.id);
    const bound = holders.filter((h) => h.status === 'confirmed' && !h.mayWithdraw).map((h) => h.id);
    if (bound.length > 0)
      await tx.update(preOrders).set({ mayWithdraw: true }).where(inArray(preOrders.id, bound));
    for (const holder of holders)
      await notify(tx, {
        type: 'plan-overdue',
        orgId: holder.buyerOrgId,
        minRole: 'trader',
        params: { plan: plan.title, until: plan.harvestTo },
        link: planLink(plan.id),
        subject: { type: 'harvest_plan', id: plan.id },
        dedupeKey: `plan:${plan.id}:overdue:${holder.buyerOrgId}`,
      });
    await notify(tx, {
      type: 'plan-overdue-seller',
      orgId: plan.sellerOrgId,
      minRole: 'trader',
      params: { plan: plan.title, until: plan.harvestTo, buyers: holders.length },
      link: `/sell/plans/${plan.id}`,
      subject: { type: 'harvest_plan', id: plan.id },
      dedupeKey: `plan:${plan.id}:overdue:seller`,
    });
  }
  return due.map((plan) => plan.id);
}

export async function setPlanOpen(tx: DbOrTx, input: { planId: string; sellerOrgId: string; open: boolean }) {
  await assertOrgMayAct(tx, input.sellerOrgId);
  const plan = await lockPlan(tx, input.planId, input.sellerOrgId);
  if (plan.status !== (input.open ? 'closed' : 'open')) throw new FarmingError('farming.errors.planClosed');
  await tx
    .update(harvestPlans)
    .set({ status: input.open ? 'open' : 'closed' })
    .where(eq(harvestPlans.id, plan.id));
}

export type HarvestResult = {
  listingId: string | null;
  orders: string[];
  harvested: number;
  allocated: number;
};

/**
 * The seller records the weighed harvest. Pre-orders still pending are released; confirmed ones are filled in
 * commitment order or pro rata (./allocation.ts). The harvest becomes a lot at the plan's pond or plot (its trace's
 * origin); each fill becomes an order on it through the market's order path, with the share of the deposit moved
 * from the buyer's held balance into the order's escrow and the balance left to pay. What a short harvest leaves
 * unfilled gets its deposit back, with a notice.
 */
export async function recordHarvest(
  tx: DbOrTx,
  input: { planId: string; sellerOrgId: string; userId: string; quantity: string; unit: QuantityUnit },
  today = marketToday(),
): Promise<HarvestResult> {
  await assertOrgMayAct(tx, input.sellerOrgId);
  const plan = await lockPlan(tx, input.planId, input.sellerOrgId);
  if (plan.status !== 'open' && plan.status !== 'closed') throw new FarmingError('farming.errors.planClosed');
  const [category] = await tx.select().from(categories).where(eq(categories.id, plan.categoryId));
  const errors: FieldErrors = {};
  if (!planUnits(category.baseUnit).includes(input.unit))
    throw new FarmingError('errors.wrongUnit', 400, 'unit');
  const harvested = quantityIn(input.quantity, input.unit, category.baseUnit, 'quantity', errors);
  if (errors.quantity) throw new FarmingError(errors.quantity, 400, 'quantity');
  const live = await livePreOrders(tx, plan.id);
  for (const pre of live.filter((p) => p.status === 'pending'))
    await endPreOrder(tx, plan, pre, 'released', 'not confirmed before the harvest');
  const confirmed = live.filter((p) => p.status === 'confirmed');
  const fills = allocateHarvest(
    confirmed.map((p) => ({ id: p.id, seq: p.seq, quantity: p.quantity, depositFen: p.depositFen })),
    harvested,
    plan.allocation,
  );
  const allocated = [...fills.values()].reduce((sum, q) => sum + q, 0);
  const referenceFen =
    plan.priceMode === 'reference'
      ? await lotReferencePriceFen(tx, { categoryId: plan.categoryId, spec: plan.spec }, today)
      : null;
  const unitPriceFen = harvestUnitPrice(plan, referenceFen);
  const perBase = perBaseOf(category.baseUnit);
  // The lot is what the pre-orders took: the trace's lot, sold out from the start. What they did not take stays
  // with the seller (the plan records the whole weight) to list as an ordinary lot if it wishes.
  const listingId = allocated > 0 ? newId('lst') : null;
  const expiresAt = new Date(Date.now() + 7 * 24 * 3600 * 1000);
  if (listingId) {
    await tx.insert(listings).values({
      id: listingId,
      sellerOrgId: plan.sellerOrgId,
      createdBy: input.userId,
      categoryId: plan.categoryId,
      titleZh: plan.title,
      descriptionZh: plan.notes,
      spec: plan.spec,
      originName: plan.originName,
      originRegion: plan.originRegion,
      harvestDate: today,
      shelfLifeDays: 7,
      expiresAt,
      quantityTotal: allocated,
      quantityAvailable: 0,
      minOrderQuantity: Math.min(plan.minPerBuyer, allocated),
      displayUnit: plan.displayUnit,
      saleMode: 'fixed',
      coldChain: category.defaultColdChain,
      pickupPlace: plan.originRegion,
      currency: plan.currency,
      status: 'sold_out',
      publishedAt: new Date(),
    });
    // The lot comes into being at the plan's pond or plot: the first step of its trace (app/trace).
    await recordTraceHarvest(tx, listingId);
  }
  await tx
    .update(harvestPlans)
    .set({ status: 'harvested', harvestedQuantity: harvested, harvestedAt: new Date(), listingId })
    .where(eq(harvestPlans.id, plan.id));
  const made: string[] = [];
  const postings: (() => Promise<unknown>)[] = [];
  for (const pre of confirmed) {
    const filled = fills.get(pre.id) ?? 0;
    const outcome = depositOutcome(pre, filled, { unitPriceFen, perBase });
    let orderId: string | null = null;
    if (filled > 0 && listingId) {
      orderId = await createOrderInTx(tx, {
        listingId,
        buyerOrgId: pre.buyerOrgId,
        sellerOrgId: plan.sellerOrgId,
        source: 'farming',
        quantity: filled,
        unitPriceFen,
        perBase,
        subtotalFen: outcome.subtotalFen,
        currency: plan.currency,
        feeBps: category.feeBps,
        createdBy: input.userId,
        depositAppliedFen: outcome.appliedFen,
        origin: { planId: plan.id, preOrderId: pre.id },
      });
      made.push(orderId);
      const id = orderId;
      if (outcome.appliedFen > 0)
        postings.push(() =>
          post(tx, {
            kind: 'escrow_funded',
            idempotencyKey: `preorder:${pre.id}:apply`,
            orderId: id,
            memo: `pre-order deposit applied: plan ${plan.id}`,
            createdBy: input.userId,
            lines: [
              {
                orgId: pre.buyerOrgId,
                kind: 'held',
                amount: -outcome.appliedFen,
                currency: plan.currency as Currency,
              },
              {
                orgId: null,
                kind: 'escrow',
                amount: outcome.appliedFen,
                currency: plan.currency as Currency,
              },
            ],
          }),
        );
    }
    await tx
      .update(preOrders)
      .set({ status: filled > 0 ? 'filled' : 'released', allocated: filled, orderId })
      .where(eq(preOrders.id, pre.id));
    if (outcome.releasedFen > 0)
      postings.push(() => returnDeposit(tx, pre, plan.currency, 'harvest', outcome.releasedFen));
    const balance = moneyParam(outcome.subtotalFen - outcome.appliedFen, plan.currency);
    await notify(tx, {
      ...(filled === pre.quantity
        ? { type: 'pre-order-filled' as const, params: { plan: plan.title, balance } }
        : {
            type: 'pre-order-short' as const,
            params: { plan: plan.title, balance, amount: moneyParam(outcome.releasedFen, plan.currency) },
          }),
      orgId: pre.buyerOrgId,
      minRole: 'trader',
      link: orderId ? `/orders/${orderId}` : planLink(plan.id),
      subject: { type: 'pre_order', id: pre.id },
    });
  }
  await tx.update(harvestPlans).set({ committed: 0 }).where(eq(harvestPlans.id, plan.id));
  // The ledger last, in pre-order order: its account locks are held only until the commit (ADR 0033).
  for (const posting of postings) await posting();
  return { listingId, orders: made, harvested, allocated };
}

/**
 * An order made from a pre-order that lapses unpaid (or is cancelled before payment) forfeits the plan's share of
 * the deposit in its escrow to the seller (less the market's fee, as a sale would); the rest goes back to the buyer.
 * Called from the orders hook, inside the step's transaction.
 */
export async function farmingAfterOrderEvent(
  tx: DbOrTx,
  orderId: string,
  event: OrderEventHook,
): Promise<void> {
  if (event.kind !== 'expire_unpaid' && event.kind !== 'cancel') return;
  const [row] = await tx
    .select({ pre: preOrders, plan: harvestPlans, order: orders })
    .from(preOrders)
    .innerJoin(harvestPlans, eq(harvestPlans.id, preOrders.planId))
    .innerJoin(orders, eq(orders.id, preOrders.orderId))
    .where(eq(preOrders.orderId, orderId));
  if (!row || row.order.depositAppliedFen <= 0) return;
  const { pre, plan, order } = row;
  const deposit = order.depositAppliedFen;
  // The buyer forfeits only for its own default (lapsed unpaid, or it cancelled); the seller's or the market's
  // cancellation gives the whole deposit back.
  const buyerAtFault = event.kind === 'expire_unpaid' || event.actorOrgId === order.buyerOrgId;
  const forfeited = buyerAtFault ? percentOf(deposit, plan.forfeitBps) : 0;
  const back = deposit - forfeited;
  const currency = order.currency as Currency;
  await tx
    .update(preOrders)
    .set({ status: forfeited > 0 ? 'forfeited' : 'released', statusReason: event.kind })
    .where(eq(preOrders.id, pre.id));
  if (forfeited > 0)
    await notify(tx, {
      type: 'deposit-forfeited',
      orgId: pre.buyerOrgId,
      minRole: 'trader',
      params: { listing: plan.title, amount: moneyParam(forfeited, order.currency) },
      link: `/orders/${order.id}`,
      subject: { type: 'order', id: order.id },
    });
  if (back > 0)
    await post(tx, {
      kind: 'deposit_release',
      idempotencyKey: `order:${order.id}:deposit-back`,
      orderId: order.id,
      memo: 'pre-order deposit returned (unpaid balance, kept share only)',
      lines: [
        { orgId: null, kind: 'escrow', amount: -back, currency },
        { orgId: pre.buyerOrgId, kind: 'available', amount: back, currency },
      ],
    });
  if (forfeited > 0)
    await releaseEscrow(tx, {
      orderId: order.id,
      sellerOrgId: order.sellerOrgId,
      feeBps: order.feeBps,
      amount: forfeited,
      currency,
      idempotencyKey: `order:${order.id}:deposit-forfeit`,
      memo: 'pre-order deposit forfeited: balance unpaid',
    });
}

/** A progress post (growth note, optional photo already stored under `photo.key`) on the seller's plan. */
export async function addPlanPost(
  tx: DbOrTx,
  input: {
    planId: string;
    sellerOrgId: string;
    userId: string;
    body: string;
    photo?: { key: string; type: string };
  },
): Promise<string> {
  await assertOrgMayAct(tx, input.sellerOrgId);
  const plan = await lockPlan(tx, input.planId, input.sellerOrgId);
  const body = input.body.trim();
  if (!body) throw new FarmingError('errors.required', 400, 'body');
  if (body.length > 2000) throw new FarmingError('errors.tooLong', 400, 'body');
  const id = newId('hpp');
  await tx.insert(planPosts).values({
    id,
    planId: plan.id,
    authorUserId: input.userId,
    body,
    photoKey: input.photo?.key ?? null,
    photoType: input.photo?.type ?? null,
  });
  return id;
}

/** Default harvest window for a new plan's form: six to eight weeks ahead, cut-off a week before. */
export function newPlanDefaults(today: string): Record<string, string> {
  return {
    harvestFrom: addDays(today, 42),
    harvestTo: addDays(today, 56),
    cutoffDate: addDays(today, 35),
    priceMode: 'fixed',
    depositPct: '20',
    forfeitPct: '100',
    materialDays: '7',
    allocation: 'commitment',
    delivery: 'pickup',
  };
}
