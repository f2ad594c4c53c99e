// Trade fairs (issue #19): the writes — fairs and booths, booth applications and allocation (with the booth fee
// through the ledger), fair-only prices, meeting slots and appointments, visitor badges and leads. ADR 0049.
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type DbOrTx, hotRead } from '../../db/client';
import {
  fairApplications,
  fairAppointments,
  fairBadges,
  fairBooths,
  fairLeads,
  fairPrices,
  fairSlots,
  fairVisits,
  fairs,
  listings,
  organisations,
} from '../../db/schema';
import { LedgerError, chargeOrgFee } from '../ledger/ledger.server';
import { assertOrgMayAct } from '../lib/auth.server';
import { enqueue } from '../lib/outbox.server';
import { newId, newToken } from '../lib/ids';
import {
  endOfMarketDay,
  marketDayAt,
  parseMarketDateTime,
  startOfMarketDay,
  toMarketDateTime,
} from '../lib/market-time';
import { parseMoney } from '../lib/money';
import { notify } from '../notify/notify.server';

/** A refusal a page shows next to a field (or the form), with its status. */
export class FairError extends Error {
  constructor(
    public readonly messageKey: string,
    public readonly status = 409,
    public readonly field = 'form',
  ) {
    super(messageKey);
    this.name = 'FairError';
  }
}

function pgError(error: unknown): { code?: string; constraint_name?: string; message?: string } {
  return ((error as { cause?: unknown })?.cause ?? error) as { code?: string; constraint_name?: string };
}

/** The instants a fair runs between: midnight of its first market day to midnight after its last. */
export function fairWindow(fair: { startsOn: string; endsOn: string }): { from: Date; until: Date } {
  return { from: startOfMarketDay(fair.startsOn), until: endOfMarketDay(fair.endsOn) };
}

/** Whether the fair is on at an instant (any hour of its days, in market time). */
export function fairIsOn(fair: { startsOn: string; endsOn: string }, at: Date): boolean {
  const { from, until } = fairWindow(fair);
  return at >= from && at < until;
}

/** Whether the online fair is open at an instant: one of its days, between its opening and closing hours. */
export function onlineOpen(
  fair: { startsOn: string; endsOn: string; onlineOpens: string; onlineCloses: string },
  at: Date,
  day: string,
): boolean {
  if (!fairIsOn(fair, at)) return false;
  return at >= marketDayAt(day, fair.onlineOpens) && at < marketDayAt(day, fair.onlineCloses);
}

function moneyError(error: string): string {
  return error === 'tooPrecise' ? 'errors.tooPrecise' : 'errors.priceInvalid';
}

// ——— fairs and booths (operator) ———

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'errors.dateInvalid');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'fairs.errors.time');
const text = (max: number) => z.string().trim().min(1, 'errors.required').max(max, 'errors.tooLong');

export const fairSchema = z
  .object({
    nameZh: text(80),
    nameEn: text(120),
    startsOn: day,
    endsOn: day,
    hall: text(120),
    onlineOpens: hhmm,
    onlineCloses: hhmm,
    featured: z.string().max(500).optional().default(''),
  })
  .superRefine((v, ctx) => {
    if (v.endsOn < v.startsOn)
      ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'fairs.errors.endsBefore' });
    if (v.onlineCloses <= v.onlineOpens)
      ctx.addIssue({ code: 'custom', path: ['onlineCloses'], message: 'fairs.errors.closesBefore' });
  });

export async function createFair(
  tx: DbOrTx,
  input: z.infer<typeof fairSchema> & { createdBy: string; categoryIds: readonly string[] },
): Promise<string> {
  const featured = input.featured
    .split(/[,，\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = featured.filter((id) => !input.categoryIds.includes(id));
  if (unknown.length) throw new FairError('fairs.errors.unknownCategory', 400, 'featured');
  const id = newId('fair');
  await tx.insert(fairs).values({
    id,
    nameZh: input.nameZh,
    nameEn: input.nameEn,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    hall: input.hall,
    onlineOpens: input.onlineOpens,
    onlineCloses: input.onlineCloses,
    featuredCategoryIds: featured,
    createdBy: input.createdBy,
  });
  return id;
}

export const boothSchema = z.object({
  number: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{1,12}$/, 'fairs.errors.boothNumber'),
  zone: text(40),
  widthM: z.coerce
    .number({ message: 'errors.notANumber' })
    .int('errors.notANumber')
    .min(1, 'errors.mustBePositive')
    .max(100, 'errors.tooLarge'),
  depthM: z.coerce
    .number({ message: 'errors.notANumber' })
    .int('errors.notANumber')
    .min(1, 'errors.mustBePositive')
    .max(100, 'errors.tooLarge'),
  price: z.string().trim().min(1, 'errors.required'),
  gridRow: z.coerce
    .number({ message: 'errors.notANumber' })
    .int('errors.notANumber')
    .min(1, 'errors.mustBePositive')
    .max(99, 'errors.tooLarge'),
  gridCol: z.coerce
    .number({ message: 'errors.notANumber' })
    .int('errors.notANumber')
    .min(1, 'errors.mustBePositive')
    .max(99, 'errors.tooLarge'),
});

export async function addBooth(
  tx: DbOrTx,
  fairId: string,
  input: z.infer<typeof boothSchema>,
): Promise<string> {
  const price = parseMoney(input.price);
  if (!price.ok) throw new FairError(moneyError(price.error), 400, 'price');
  const id = newId('bth');
  try {
    await tx.transaction(async (sp) => {
      await sp.insert(fairBooths).values({
        id,
        fairId,
        number: input.number.toUpperCase(),
        zone: input.zone,
        widthM: input.widthM,
        depthM: input.depthM,
        priceFen: price.amount,
        gridRow: input.gridRow - 1,
        gridCol: input.gridCol - 1,
      });
    });
  } catch (error) {
    const e = pgError(error);
    if (e.code === '23505' && e.constraint_name === 'fair_booths_number_key')
      throw new FairError('fairs.errors.boothNumberTaken', 409, 'number');
    if (e.code === '23505' && e.constraint_name === 'fair_booths_grid_key')
      throw new FairError('fairs.errors.gridTaken', 409, 'gridCol');
    throw error;
  }
  return id;
}

// ——— booth applications ———

export async function applyForBooth(
  tx: DbOrTx,
  input: { fairId: string; orgId: string; userId: string; wantedZone: string | null; pitch: string },
): Promise<string> {
  await assertOrgMayAct(tx, input.orgId);
  const id = newId('fap');
  try {
    await tx.transaction(async (sp) => {
      await sp.insert(fairApplications).values({
        id,
        fairId: input.fairId,
        orgId: input.orgId,
        wantedZone: input.wantedZone,
        pitch: input.pitch,
        appliedBy: input.userId,
      });
    });
  } catch (error) {
    const e = pgError(error);
    if (e.code === '23505' && e.constraint_name === 'fair_applications_org_key')
      throw new FairError('fairs.errors.alreadyApplied');
    throw error;
  }
  return id;
}

/**
 * The operator gives a pending application a booth. The booth is exclusive by the partial unique index on
 * allocated applications: of two allocations of one booth, the second fails there (ADR 0049). The booth fee
 * is posted last, from the exhibitor's available balance to the platform's fees, in the same transaction.
 */
export async function allocateBooth(
  tx: DbOrTx,
  input: { applicationId: string; boothId: string; operatorUserId: string },
): Promise<void> {
  const [application] = await tx
    .select()
    .from(fairApplications)
    .where(eq(fairApplications.id, input.applicationId))
    .for('update');
  if (!application) throw new FairError('errors.notFound', 404);
  if (application.status !== 'pending') throw new FairError('fairs.errors.notPending');
  const [booth] = await tx
    .select()
    .from(fairBooths)
    .where(and(eq(fairBooths.id, input.boothId), eq(fairBooths.fairId, application.fairId)));
  if (!booth) throw new FairError('fairs.errors.noSuchBooth', 400, 'boothId');
  await assertOrgMayAct(tx, application.orgId);
  const feeKey = `fair:${application.fairId}:application:${application.id}:booth-fee`;
  try {
    await tx.transaction(async (sp) => {
      await sp
        .update(fairApplications)
        .set({ status: 'allocated', boothId: booth.id, decidedBy: input.operatorUserId })
        .where(eq(fairApplications.id, application.id));
    });
  } catch (error) {
    const e = pgError(error);
    if (e.code === '23505' && e.constraint_name === 'fair_applications_booth_key')
      throw new FairError('fairs.errors.boothTaken', 409, 'boothId');
    throw error;
  }
  if (booth.priceFen > 0) {
    try {
      const ltx = await tx.transaction((sp) =>
        chargeOrgFee(sp, {
          orgId: application.orgId,
          amount: booth.priceFen,
          idempotencyKey: feeKey,
          memo: `booth ${booth.number}`,
          createdBy: input.operatorUserId,
        }),
      );
      await tx
        .update(fairApplications)
        .set({ feeLedgerTxId: ltx })
        .where(eq(fairApplications.id, application.id));
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'insufficient_funds')
        throw new FairError('fairs.errors.feeNotCovered', 409, 'boothId');
      throw error;
    }
  }
  await notify(tx, {
    type: 'fair-booth-allocated',
    orgId: application.orgId,
    params: { booth: booth.number },
    link: `/fairs/${application.fairId}/exhibit`,
    subject: { type: 'fair', id: application.fairId },
  });
}

export async function rejectApplication(
  tx: DbOrTx,
  input: { applicationId: string; operatorUserId: string },
): Promise<void> {
  const updated = await tx
    .update(fairApplications)
    .set({ status: 'rejected', decidedBy: input.operatorUserId })
    .where(and(eq(fairApplications.id, input.applicationId), eq(fairApplications.status, 'pending')))
    .returning({ id: fairApplications.id });
  if (updated.length === 0) throw new FairError('fairs.errors.notPending');
}

/** The org's allocated booth at the fair, or null: what makes it an exhibitor. */
export async function exhibitorBooth(tx: DbOrTx, fairId: string, orgId: string) {
  const [row] = await tx
    .select({ booth: fairBooths })
    .from(fairApplications)
    .innerJoin(fairBooths, eq(fairBooths.id, fairApplications.boothId))
    .where(
      and(
        eq(fairApplications.fairId, fairId),
        eq(fairApplications.orgId, orgId),
        eq(fairApplications.status, 'allocated'),
      ),
    );
  return row?.booth ?? null;
}

async function requireExhibitor(tx: DbOrTx, fairId: string, orgId: string) {
  await assertOrgMayAct(tx, orgId);
  const booth = await exhibitorBooth(tx, fairId, orgId);
  if (!booth) throw new FairError('fairs.errors.notExhibitor', 403);
  return booth;
}

// ——— fair-only prices ———

/** An exhibitor sets (or clears, with null) the price one of its live lots sells at during the fair. */
export async function setFairPrice(
  tx: DbOrTx,
  input: { fairId: string; orgId: string; listingId: string; price: string },
): Promise<void> {
  await requireExhibitor(tx, input.fairId, input.orgId);
  const [lot] = await tx
    .select({ id: listings.id, saleMode: listings.saleMode })
    .from(listings)
    .where(and(eq(listings.id, input.listingId), eq(listings.sellerOrgId, input.orgId)));
  if (!lot) throw new FairError('errors.notFound', 404, 'listingId');
  if (input.price.trim() === '') {
    await tx
      .delete(fairPrices)
      .where(and(eq(fairPrices.fairId, input.fairId), eq(fairPrices.listingId, input.listingId)));
    return;
  }
  if (lot.saleMode !== 'fixed') throw new FairError('fairs.errors.fixedOnly', 400, 'price');
  const price = parseMoney(input.price);
  if (!price.ok) throw new FairError(moneyError(price.error), 400, 'price');
  if (price.amount <= 0) throw new FairError('errors.mustBePositive', 400, 'price');
  await tx
    .insert(fairPrices)
    .values({ fairId: input.fairId, listingId: input.listingId, orgId: input.orgId, priceFen: price.amount })
    .onConflictDoUpdate({
      target: [fairPrices.fairId, fairPrices.listingId],
      set: { priceFen: price.amount },
    });
}

/**
 * The fair price a lot sells at at an instant: the lowest of the prices set for it by fairs that are on then
 * (their days in market time), or null outside every fair. The buy path and the buy box both ask this.
 */
export async function fairPriceAt(tx: DbOrTx, listingId: string, at: Date): Promise<number | null> {
  const rows = await fairPricesOfLot(tx, { listingId });
  const on = rows.filter((row) => fairIsOn(row, at)).map((row) => row.priceFen);
  return on.length ? Math.min(...on) : null;
}

// Read by every lot page and buy-now (issue #22, `ssr-lot`): prepared once per pool.
const fairPricesOfLot = hotRead('fair_prices_of_lot', (tx) =>
  tx
    .select({ priceFen: fairPrices.priceFen, startsOn: fairs.startsOn, endsOn: fairs.endsOn })
    .from(fairPrices)
    .innerJoin(fairs, eq(fairs.id, fairPrices.fairId))
    .where(eq(fairPrices.listingId, sql.placeholder('listingId'))),
);

/** A lot's tiers as a buyer pays them now: the fair price, when one applies, replaces every tier. */
export async function tiersAt<T extends { minQuantity: number; unitPriceFen: number }>(
  tx: DbOrTx,
  listingId: string,
  tiers: readonly T[],
  at: Date,
): Promise<{ minQuantity: number; unitPriceFen: number }[]> {
  const fairPrice = await fairPriceAt(tx, listingId, at);
  return fairPrice === null ? [...tiers] : [{ minQuantity: 0, unitPriceFen: fairPrice }];
}

// ——— meeting slots and appointments ———

export const slotSchema = z.object({
  startsAt: z.string().min(1, 'errors.required'),
  minutes: z.coerce
    .number({ message: 'errors.notANumber' })
    .int('errors.notANumber')
    .min(10, 'fairs.errors.slotLength')
    .max(240, 'fairs.errors.slotLength'),
  mode: z.enum(['hall', 'video', 'either'], { message: 'errors.chooseOne' }),
});

function range(from: Date, until: Date): string {
  return `[${from.toISOString()},${until.toISOString()})`;
}

/** The instants of a stored tstzrange's text. */
export function rangeBounds(value: string): { from: Date; until: Date } {
  const [a, b] = value.slice(1, -1).split(',');
  return { from: new Date(a.replaceAll('"', '')), until: new Date(b.replaceAll('"', '')) };
}

/** An exhibitor publishes a free slot within the fair's days; its slots never overlap (exclusion constraint). */
export async function addSlot(
  tx: DbOrTx,
  input: { fairId: string; orgId: string; userId: string } & z.infer<typeof slotSchema>,
): Promise<string> {
  const [fair] = await tx.select().from(fairs).where(eq(fairs.id, input.fairId));
  if (!fair) throw new FairError('errors.notFound', 404);
  await requireExhibitor(tx, input.fairId, input.orgId);
  const from = parseMarketDateTime(input.startsAt);
  if (!from) throw new FairError('errors.dateInvalid', 400, 'startsAt');
  const until = new Date(from.getTime() + input.minutes * 60_000);
  const window = fairWindow(fair);
  if (from < window.from || until > window.until)
    throw new FairError('fairs.errors.slotOutsideFair', 400, 'startsAt');
  const id = newId('fsl');
  try {
    await tx.transaction(async (sp) => {
      await sp.insert(fairSlots).values({
        id,
        fairId: input.fairId,
        orgId: input.orgId,
        during: range(from, until),
        mode: input.mode,
        createdBy: input.userId,
      });
    });
  } catch (error) {
    const e = pgError(error);
    if (e.code === '23P01') throw new FairError('fairs.errors.slotOverlaps', 409, 'startsAt');
    throw error;
  }
  return id;
}

/** An exhibitor takes back a free slot (not one that is booked: cancel the appointment first). */
export async function removeSlot(tx: DbOrTx, input: { slotId: string; orgId: string }): Promise<void> {
  await assertOrgMayAct(tx, input.orgId);
  const removed = await tx.execute(sql`
    delete from fair_slots s where s.id = ${input.slotId} and s.org_id = ${input.orgId}
      and not exists (select 1 from fair_appointments a where a.slot_id = s.id)
    returning s.id`);
  if ((removed as unknown as unknown[]).length === 0) throw new FairError('fairs.errors.slotInUse');
}

const REMINDER_MS = 60 * 60_000;

/** A meeting's start as notifications show it, in market time: "2026-12-08 10:00". */
function meetingTime(at: Date): string {
  return toMarketDateTime(at).replace('T', ' ');
}

/**
 * A buyer books an exhibitor's free slot. The slot is booked once (a partial unique index on booked
 * appointments) and a buyer org is in one meeting at a time (an exclusion constraint on its booked
 * ranges): two buyers racing for one slot, or one buyer for two overlapping slots, get one booking.
 */
export async function bookSlot(
  tx: DbOrTx,
  input: { slotId: string; buyerOrgId: string; userId: string; mode: 'hall' | 'video'; now: Date },
): Promise<string> {
  const [slot] = await tx.select().from(fairSlots).where(eq(fairSlots.id, input.slotId));
  if (!slot) throw new FairError('errors.notFound', 404);
  if (slot.orgId === input.buyerOrgId) throw new FairError('fairs.errors.ownSlot', 403);
  if (slot.mode !== 'either' && slot.mode !== input.mode)
    throw new FairError('fairs.errors.wrongMode', 400, 'mode');
  const { from } = rangeBounds(slot.during);
  if (from <= input.now) throw new FairError('fairs.errors.slotPast');
  await assertOrgMayAct(tx, input.buyerOrgId);
  const id = newId('fapt');
  try {
    await tx.transaction(async (sp) => {
      await sp.insert(fairAppointments).values({
        id,
        slotId: slot.id,
        fairId: slot.fairId,
        exhibitorOrgId: slot.orgId,
        buyerOrgId: input.buyerOrgId,
        bookedBy: input.userId,
        during: slot.during,
        mode: input.mode,
      });
    });
  } catch (error) {
    const e = pgError(error);
    if (e.code === '23505' && e.constraint_name === 'fair_appointments_slot_key')
      throw new FairError('fairs.errors.slotTaken');
    if (e.code === '23P01') throw new FairError('fairs.errors.buyerBusy');
    throw error;
  }
  const [buyer] = await tx
    .select({ name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, input.buyerOrgId));
  await notify(tx, {
    type: 'fair-appointment-booked',
    orgId: slot.orgId,
    params: { visitor: buyer?.name ?? '', at: meetingTime(from) },
    link: `/fairs/${slot.fairId}/exhibit`,
    subject: { type: 'fair-appointment', id },
  });
  const remindAt = new Date(from.getTime() - REMINDER_MS);
  await enqueue(
    tx,
    'fairs',
    'appointment-reminder',
    { appointmentId: id },
    { runAt: remindAt > input.now ? remindAt : input.now },
  );
  return id;
}

/** Either side cancels; the other side is told. */
export async function cancelAppointment(
  tx: DbOrTx,
  input: { appointmentId: string; orgId: string },
): Promise<void> {
  const [appointment] = await tx
    .select()
    .from(fairAppointments)
    .where(eq(fairAppointments.id, input.appointmentId))
    .for('update');
  if (!appointment || (appointment.buyerOrgId !== input.orgId && appointment.exhibitorOrgId !== input.orgId))
    throw new FairError('errors.notFound', 404);
  if (appointment.status !== 'booked') throw new FairError('fairs.errors.alreadyCancelled');
  await assertOrgMayAct(tx, input.orgId);
  await tx
    .update(fairAppointments)
    .set({ status: 'cancelled', cancelledByOrgId: input.orgId })
    .where(eq(fairAppointments.id, appointment.id));
  const other = appointment.buyerOrgId === input.orgId ? appointment.exhibitorOrgId : appointment.buyerOrgId;
  await notify(tx, {
    type: 'fair-appointment-cancelled',
    orgId: other,
    params: { at: meetingTime(rangeBounds(appointment.during).from) },
    link: `/fairs/${appointment.fairId}`,
    subject: { type: 'fair-appointment', id: appointment.id },
  });
}

/** The reminder job: tells both sides of a still-booked appointment (raised once, by its dedupe key). */
export async function remindAppointment(tx: DbOrTx, appointmentId: string): Promise<boolean> {
  const [appointment] = await tx
    .select()
    .from(fairAppointments)
    .where(eq(fairAppointments.id, appointmentId));
  if (!appointment || appointment.status !== 'booked') return false;
  const at = meetingTime(rangeBounds(appointment.during).from);
  for (const orgId of [appointment.exhibitorOrgId, appointment.buyerOrgId])
    await notify(tx, {
      type: 'fair-appointment-reminder',
      orgId,
      params: { at },
      link: `/fairs/${appointment.fairId}`,
      subject: { type: 'fair-appointment', id: appointment.id },
      dedupeKey: `fair-reminder:${appointment.id}:${orgId}`,
    });
  return true;
}

// ——— badges and leads ———

/** The visitor's badge for the fair (made on first ask), with or without its consent to lead capture. */
export async function badgeFor(tx: DbOrTx, input: { fairId: string; userId: string; orgId: string }) {
  await tx
    .insert(fairBadges)
    .values({ token: newToken(), fairId: input.fairId, userId: input.userId, orgId: input.orgId })
    .onConflictDoNothing();
  const [badge] = await tx
    .select()
    .from(fairBadges)
    .where(
      and(
        eq(fairBadges.fairId, input.fairId),
        eq(fairBadges.userId, input.userId),
        eq(fairBadges.orgId, input.orgId),
      ),
    );
  return badge;
}

/** The visitor agrees (or no longer agrees) that exhibitors who scan its badge record its org; withdrawing deletes those leads. */
export async function setBadgeConsent(
  tx: DbOrTx,
  input: { fairId: string; userId: string; orgId: string; consent: boolean; now: Date },
): Promise<void> {
  const badge = await badgeFor(tx, input);
  await tx
    .update(fairBadges)
    .set({ consentedAt: input.consent ? input.now : null })
    .where(eq(fairBadges.token, badge.token));
  if (!input.consent) await tx.delete(fairLeads).where(eq(fairLeads.badgeToken, badge.token));
}

/** The badge behind a scanned token, with its visitor org's name. */
export async function badgeByToken(tx: DbOrTx, token: string) {
  const [row] = await tx
    .select({ badge: fairBadges, orgName: organisations.name })
    .from(fairBadges)
    .innerJoin(organisations, eq(organisations.id, fairBadges.orgId))
    .where(eq(fairBadges.token, token));
  return row ?? null;
}

/**
 * An exhibitor scanned a visitor's badge: the visitor's org becomes its lead, once. Only with the visitor's
 * consent, which the database checks too (a trigger on fair_leads), so no path records a lead without it.
 */
export async function captureLead(
  tx: DbOrTx,
  input: { fairId: string; token: string; exhibitorOrgId: string; userId: string },
): Promise<{ visitorOrgId: string; isNew: boolean }> {
  const found = await badgeByToken(tx, input.token);
  if (!found || found.badge.fairId !== input.fairId) throw new FairError('errors.notFound', 404);
  await requireExhibitor(tx, input.fairId, input.exhibitorOrgId);
  if (found.badge.orgId === input.exhibitorOrgId) throw new FairError('fairs.errors.ownBadge', 400);
  if (!found.badge.consentedAt) throw new FairError('fairs.errors.noConsent', 403);
  try {
    const inserted = await tx.transaction((sp) =>
      sp
        .insert(fairLeads)
        .values({
          id: newId('flead'),
          fairId: input.fairId,
          exhibitorOrgId: input.exhibitorOrgId,
          visitorOrgId: found.badge.orgId,
          badgeToken: found.badge.token,
          capturedBy: input.userId,
        })
        .onConflictDoNothing()
        .returning({ id: fairLeads.id }),
    );
    return { visitorOrgId: found.badge.orgId, isNew: inserted.length > 0 };
  } catch (error) {
    // Consent withdrawn between our read and the insert: the trigger said no.
    if (pgError(error).code === '23514') throw new FairError('fairs.errors.noConsent', 403);
    throw error;
  }
}

/** A booth page was opened (by a QR scan or a link): counted for the exhibitor's after-fair report. */
export async function recordVisit(
  tx: DbOrTx,
  input: { fairId: string; boothId: string; visitorOrgId: string | null },
): Promise<void> {
  await tx.insert(fairVisits).values({
    id: newId('fvis'),
    fairId: input.fairId,
    boothId: input.boothId,
    visitorOrgId: input.visitorOrgId,
  });
}
