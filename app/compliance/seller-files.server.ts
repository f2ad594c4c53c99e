// Seller files (食用农产品市场销售质量安全监督管理办法): the operator's file on every seller, its upkeep and its end.
// The file holds a person's contact and ID number: operators alone read it, and audit entries name the fields
// that changed, never their values.
import { and, asc, desc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import {
  SELLER_ID_KINDS,
  SUPPLY_CHANNELS,
  type SellerFile,
  listings,
  organisations,
  sellerFiles,
  verificationApplications,
} from '../../db/schema';
import { appendAudit } from '../lib/audit.server';

/** The rules ask for the file to be kept this long after the seller stops. */
export const KEEP_MONTHS = 6;
export { SELLER_ID_KINDS, SUPPLY_CHANNELS };

const text = (max: number) =>
  z.string({ required_error: 'errors.required' }).trim().min(1, 'errors.required').max(max, 'errors.tooLong');

/** 统一社会信用代码: 18 characters of digits and capital letters (I, O, S, V, Z never appear). */
const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
const ID_CARD = /^\d{17}[\dX]$/;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** A resident ID card number (GB 11643): 17 digits and the check character they imply. */
export function validIdCard(value: string): boolean {
  if (!ID_CARD.test(value)) return false;
  const sum = ID_WEIGHTS.reduce((acc, weight, i) => acc + weight * Number(value[i]), 0);
  return ID_CHECK[sum % 11] === value[17];
}

/** A mainland mobile (11 digits from 13–19) or a landline with its area code (0571-87654321). */
const PHONE = /^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

export const sellerFileSchema = z
  .object({
    legalName: text(120),
    contactName: text(60),
    contactPhone: z
      .string({ required_error: 'errors.required' })
      .trim()
      .min(1, 'errors.required')
      .transform((v) => v.replace(/[\s()（）]/g, ''))
      .refine((v) => PHONE.test(v), 'errors.sellers.phone'),
    idKind: z.enum(SELLER_ID_KINDS, { errorMap: () => ({ message: 'errors.sellers.idKind' }) }),
    idNumber: z.string({ required_error: 'errors.required' }).trim().toUpperCase().min(1, 'errors.required'),
    address: text(200),
    productTypes: text(200),
    supplyChannel: z.enum(SUPPLY_CHANNELS, { errorMap: () => ({ message: 'errors.sellers.supplyChannel' }) }),
    origin: text(120),
    certificates: z.string().trim().max(500, 'errors.tooLong').default(''),
    notes: z.string().trim().max(1000, 'errors.tooLong').default(''),
  })
  .superRefine((value, ctx) => {
    const ok =
      value.idKind === 'credit_code' ? CREDIT_CODE.test(value.idNumber) : validIdCard(value.idNumber);
    if (!ok) {
      ctx.addIssue({
        code: 'custom',
        path: ['idNumber'],
        message: value.idKind === 'credit_code' ? 'errors.sellers.creditCode' : 'errors.sellers.idCard',
      });
    }
  });

export type SellerFileInput = z.infer<typeof sellerFileSchema>;
const FIELDS = Object.keys(sellerFileSchema.innerType().shape) as (keyof SellerFileInput)[];

export class SellerFileError extends Error {
  constructor(
    readonly messageKey: string,
    readonly status = 400,
  ) {
    super(messageKey);
  }
}

/** The state of a seller's file as the console lists it. */
export type FileState = 'missing' | 'kept' | 'stopped';
export const SELLER_SORTS = ['name', 'state', 'updated'] as const;
export type SellerSort = (typeof SELLER_SORTS)[number];
export const SELLERS_PAGE_SIZE = 25;

/** Who counts as a seller: an org that says it sells, or one that has ever listed a lot. */
const isSeller = or(
  inArray(organisations.kind, ['seller', 'both']),
  sql`exists (select 1 from ${listings} where ${listings.sellerOrgId} = ${organisations.id})`,
);

const stateOf = sql<FileState>`case
  when ${sellerFiles.orgId} is null then 'missing'
  when coalesce(${sellerFiles.stoppedAt}, ${organisations.bannedAt}) is not null then 'stopped'
  else 'kept' end`;

/** One page of sellers with their file's state; missing files first when sorted by state. */
export async function sellersForConsole(
  db: DbOrTx,
  query: { q: string | null; sort: SellerSort; page: number; state: FileState | null },
) {
  const where = and(
    isSeller,
    query.q ? ilike(organisations.name, `%${query.q.replace(/[%_\\]/g, '\\$&')}%`) : undefined,
    query.state ? sql`${stateOf} = ${query.state}` : undefined,
  );
  const order =
    query.sort === 'name'
      ? [asc(organisations.name), asc(organisations.id)]
      : query.sort === 'updated'
        ? [sql`${sellerFiles.updatedAt} desc nulls last`, asc(organisations.name)]
        : [
            sql`case ${stateOf} when 'missing' then 0 when 'kept' then 1 else 2 end`,
            asc(organisations.name),
            asc(organisations.id),
          ];
  const [rows, [counted]] = await Promise.all([
    db
      .select({
        orgId: organisations.id,
        name: organisations.name,
        kind: organisations.kind,
        verification: organisations.verification,
        state: stateOf,
        updatedAt: sellerFiles.updatedAt,
        stoppedAt: sql<Date | null>`coalesce(${sellerFiles.stoppedAt}, ${organisations.bannedAt})`.mapWith(
          (v: string | Date | null) => (v === null ? null : new Date(v)),
        ),
      })
      .from(organisations)
      .leftJoin(sellerFiles, eq(sellerFiles.orgId, organisations.id))
      .where(where)
      .orderBy(...order)
      .limit(SELLERS_PAGE_SIZE)
      .offset((query.page - 1) * SELLERS_PAGE_SIZE),
    db
      .select({
        total: sql<number>`count(*)::int`,
        missing: sql<number>`(count(*) filter (where ${sellerFiles.orgId} is null))::int`,
      })
      .from(organisations)
      .leftJoin(sellerFiles, eq(sellerFiles.orgId, organisations.id))
      .where(where),
  ]);
  return {
    rows: rows.map((row) => ({ ...row, keepUntil: row.stoppedAt ? keepUntil(row.stoppedAt) : null })),
    total: counted?.total ?? 0,
    missing: counted?.missing ?? 0,
    pages: Math.max(1, Math.ceil((counted?.total ?? 0) / SELLERS_PAGE_SIZE)),
  };
}

/** The day the file may go: six months after the seller stopped. */
export function keepUntil(stoppedAt: Date): Date {
  const until = new Date(stoppedAt);
  until.setUTCMonth(until.getUTCMonth() + KEEP_MONTHS);
  return until;
}

/** A seller's org, its file (or what its verification already says, to start one), and its state. */
export async function sellerFileFor(db: DbOrTx, orgId: string) {
  const [org] = await db
    .select({
      id: organisations.id,
      name: organisations.name,
      kind: organisations.kind,
      verification: organisations.verification,
      bannedAt: organisations.bannedAt,
      sells: sql<boolean>`${isSeller}`,
    })
    .from(organisations)
    .where(eq(organisations.id, orgId));
  if (!org?.sells) return null;
  const [file] = await db.select().from(sellerFiles).where(eq(sellerFiles.orgId, orgId));
  const [application] = file
    ? []
    : await db
        .select({
          legalName: verificationApplications.legalName,
          licenceNumber: verificationApplications.licenceNumber,
          address: verificationApplications.address,
        })
        .from(verificationApplications)
        .where(eq(verificationApplications.orgId, orgId))
        .orderBy(desc(verificationApplications.createdAt))
        .limit(1);
  const prefill: Partial<Record<keyof SellerFileInput, string>> = file
    ? {}
    : {
        legalName: application?.legalName ?? org.name,
        ...(application ? { idKind: 'credit_code', idNumber: application.licenceNumber } : {}),
        address: application?.address ?? '',
      };
  const stoppedAt = file?.stoppedAt ?? org.bannedAt ?? null;
  return { org, file: file ?? null, prefill, stoppedAt, keepUntil: stoppedAt ? keepUntil(stoppedAt) : null };
}

/** Creates or updates the file; the audit entry names the fields that changed, never what they hold. */
export async function saveSellerFile(
  tx: DbOrTx,
  input: { orgId: string; operatorUserId: string; values: SellerFileInput },
): Promise<{ created: boolean; changed: string[] }> {
  const [org] = await tx
    .select({ id: organisations.id, sells: sql<boolean>`${isSeller}` })
    .from(organisations)
    .where(eq(organisations.id, input.orgId));
  if (!org?.sells) throw new SellerFileError('errors.notFound', 404);
  const [before] = await tx
    .select()
    .from(sellerFiles)
    .where(eq(sellerFiles.orgId, input.orgId))
    .for('update');
  const changed = before
    ? FIELDS.filter((field) => before[field as keyof SellerFile] !== input.values[field])
    : [...FIELDS];
  if (before && changed.length === 0) return { created: false, changed };
  const now = new Date();
  if (before) {
    await tx
      .update(sellerFiles)
      .set({ ...input.values, updatedAt: now, updatedBy: input.operatorUserId })
      .where(eq(sellerFiles.orgId, input.orgId));
  } else {
    await tx.insert(sellerFiles).values({
      orgId: input.orgId,
      ...input.values,
      updatedBy: input.operatorUserId,
      createdAt: now,
      updatedAt: now,
    });
  }
  await appendAudit(tx, {
    actorUserId: input.operatorUserId,
    orgId: input.orgId,
    action: before ? 'seller_file.updated' : 'seller_file.created',
    subjectType: 'seller_file',
    subjectId: input.orgId,
    detail: { fields: changed },
  });
  return { created: !before, changed };
}

/** Records that the seller stopped selling on `at` (the keeping period starts), or that it sells again (null). */
export async function setSellerStopped(
  tx: DbOrTx,
  input: { orgId: string; operatorUserId: string; at: Date | null },
): Promise<void> {
  const updated = await tx
    .update(sellerFiles)
    .set({ stoppedAt: input.at, updatedAt: new Date(), updatedBy: input.operatorUserId })
    .where(eq(sellerFiles.orgId, input.orgId))
    .returning({ orgId: sellerFiles.orgId });
  if (updated.length === 0) throw new SellerFileError('errors.sellers.noFile', 409);
  await appendAudit(tx, {
    actorUserId: input.operatorUserId,
    orgId: input.orgId,
    action: input.at ? 'seller_file.stopped' : 'seller_file.resumed',
    subjectType: 'seller_file',
    subjectId: input.orgId,
    detail: { stoppedAt: input.at?.toISOString() ?? null },
  });
}

/**
 * Deletes the files kept their six months past the seller's stop (its own date, or the org's ban). Both the
 * given clock and the database's must agree the time is up: the trigger refuses anything earlier.
 */
export async function purgeExpiredSellerFiles(db: DbOrTx, now: Date): Promise<number> {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - KEEP_MONTHS);
  const stopped = sql`coalesce(${sellerFiles.stoppedAt}, (select ${organisations.bannedAt} from ${organisations} where ${organisations.id} = ${sellerFiles.orgId}))`;
  const gone = await db
    .delete(sellerFiles)
    .where(
      and(
        sql`${stopped} < ${cutoff.toISOString()}::timestamptz`,
        sql`${stopped} < now() - interval '6 months'`,
      ),
    )
    .returning({ orgId: sellerFiles.orgId });
  return gone.length;
}
