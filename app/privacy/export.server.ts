// Data exports (PIPL art. 45): asked for on /settings/privacy, built by the privacy worker into a zip of every row
// the data map finds for the user, kept for EXPORT_DAYS, then swept.
import { and, desc, eq, gt, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { type PrivacyExport, privacyExports, users } from '../../db/schema';
import { newId } from '../lib/ids';
import { enqueue } from '../lib/outbox.server';
import { storage } from '../lib/storage.server';
import { createZip } from '../lib/zip.server';
import { notify } from '../notify/notify.server';
import { DATA_MAP, type TableRows, rowsOf } from './data-map.server';
import { finishPrivacyRequest, logPrivacyRequest } from './requests.server';

/** How long a built export can be downloaded. */
export const EXPORT_DAYS = 7;

export type ExportRequestResult = { ok: true; exportId: string } | { ok: false; reason: string };

/** Exports one user may ask for in a day: each reads every table of the data map. */
export const EXPORTS_PER_DAY = 3;

/**
 * Queues an export, unless one is already being built or the day's allowance is used (a refused click changes
 * nothing but the log).
 */
export async function requestExport(tx: DbOrTx, userId: string): Promise<ExportRequestResult> {
  await tx.execute(sql`select 1 from ${users} where ${users.id} = ${userId} for update`);
  const recent = await tx
    .select({ id: privacyExports.id, status: privacyExports.status })
    .from(privacyExports)
    .where(
      and(eq(privacyExports.userId, userId), gt(privacyExports.createdAt, sql`now() - interval '1 day'`)),
    );
  const pending = recent.find((e) => e.status === 'queued');
  const reason = pending
    ? 'privacy.refused.exportPending'
    : recent.length >= EXPORTS_PER_DAY
      ? 'privacy.refused.exportTooOften'
      : null;
  if (reason) {
    await logPrivacyRequest(tx, {
      kind: 'export',
      subjectUserId: userId,
      requestedBy: userId,
      status: 'refused',
      reason,
      detail: pending ? { exportId: pending.id } : { recent: recent.length },
    });
    return { ok: false, reason };
  }
  const exportId = newId('pex');
  const requestId = await logPrivacyRequest(tx, {
    kind: 'export',
    subjectUserId: userId,
    requestedBy: userId,
    detail: { exportId },
  });
  await tx.insert(privacyExports).values({ id: exportId, userId, requestId });
  await enqueue(tx, 'privacy', 'build-export', { exportId });
  return { ok: true, exportId };
}

/** The user's exports, newest first. */
export async function exportsOf(tx: DbOrTx, userId: string, limit = 20): Promise<PrivacyExport[]> {
  return tx
    .select()
    .from(privacyExports)
    .where(eq(privacyExports.userId, userId))
    .orderBy(desc(privacyExports.createdAt))
    .limit(limit);
}

function cell(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  // A cell a spreadsheet would run as a formula is quoted as text.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One table as CSV, with a UTF-8 byte order mark so spreadsheets on Chinese Windows read it right. */
export function tableCsv({ columns, rows }: TableRows): string {
  const lines = [columns.map(cell).join(',')];
  for (const row of rows) lines.push(columns.map((column) => cell(row[column])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const README = `Wharf (码头) — 你的个人数据 / your personal data

data.json      每张表中涉及你的全部记录 / every row that names you, by table
tables/*.csv   同样的数据，每张表一个 CSV 文件 / the same rows, one CSV file per table
`;

/** The zip of everything the data map finds for the user, and how many rows of each table it holds. */
export async function buildExportZip(
  tx: DbOrTx,
  user: { id: string; email: string },
): Promise<{ zip: Buffer; counts: Record<string, number> }> {
  const tables: TableRows[] = [];
  for (const table of Object.keys(DATA_MAP).sort()) tables.push(await rowsOf(tx, table, user));
  const json = JSON.stringify(
    {
      generatedAt: new Date().toISOString(),
      userId: user.id,
      tables: Object.fromEntries(tables.map((t) => [t.table, t.rows])),
    },
    null,
    2,
  );
  const zip = createZip([
    { name: 'README.txt', data: README },
    { name: 'data.json', data: json },
    ...tables.map((t) => ({ name: `tables/${t.table}.csv`, data: tableCsv(t) })),
  ]);
  return { zip, counts: Object.fromEntries(tables.map((t) => [t.table, t.rows.length])) };
}

export function exportFileKey(exportId: string): string {
  return `privacy-exports/${exportId}.zip`;
}

/**
 * Builds one queued export: the file first, then the row and the request closed and the user told, in one
 * transaction. A re-run of a job that already finished finds the export ready and does nothing.
 */
export async function buildExport(db: DbOrTx, exportId: string): Promise<'built' | 'skipped'> {
  const [row] = await db
    .select({ id: privacyExports.id, status: privacyExports.status, userId: privacyExports.userId })
    .from(privacyExports)
    .where(eq(privacyExports.id, exportId));
  if (!row || row.status !== 'queued') return 'skipped';
  const [user] = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(eq(users.id, row.userId));
  if (!user) return 'skipped';
  // One snapshot: rows written while the export is read do not half-appear.
  const { zip, counts } = await db.transaction((tx) => buildExportZip(tx, user), {
    isolationLevel: 'repeatable read',
    accessMode: 'read only',
  });
  const key = exportFileKey(exportId);
  await storage().put(key, zip, 'application/zip');
  const now = new Date();
  const stored = await db.transaction(async (tx) => {
    const [ready] = await tx
      .update(privacyExports)
      .set({
        status: 'ready',
        fileKey: key,
        bytes: zip.length,
        counts,
        readyAt: now,
        expiresAt: new Date(now.getTime() + EXPORT_DAYS * 24 * 3600 * 1000),
      })
      .where(and(eq(privacyExports.id, exportId), eq(privacyExports.status, 'queued')))
      .returning({ requestId: privacyExports.requestId });
    if (!ready) return false;
    if (ready.requestId)
      await finishPrivacyRequest(tx, ready.requestId, {
        status: 'done',
        detail: { exportId, bytes: zip.length },
      });
    await notify(tx, {
      type: 'privacy-export-ready',
      userIds: [user.id],
      params: { days: EXPORT_DAYS },
      link: '/settings/privacy',
      subject: { type: 'privacy_export', id: exportId },
      dedupeKey: `privacy-export:${exportId}`,
    });
    return true;
  });
  // Ended while it was being built (the account was erased): its file is nobody's.
  if (!stored) {
    await storage().delete(key);
    return 'skipped';
  }
  return 'built';
}

/** After the last attempt failed: the export and its request say so, with a reason the page shows. */
export async function failExport(db: DbOrTx, exportId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [failed] = await tx
      .update(privacyExports)
      .set({ status: 'failed' })
      .where(and(eq(privacyExports.id, exportId), eq(privacyExports.status, 'queued')))
      .returning({ requestId: privacyExports.requestId });
    if (failed?.requestId)
      await finishPrivacyRequest(tx, failed.requestId, {
        status: 'failed',
        reason: 'privacy.refused.exportFailed',
      });
  });
}

/** Deletes the files of exports past their expiry; the rows stay, as 'expired', for the user's history. */
export async function sweepExports(db: DbOrTx, now = new Date()): Promise<number> {
  const due = await db
    .select({ id: privacyExports.id, fileKey: privacyExports.fileKey })
    .from(privacyExports)
    .where(and(isNotNull(privacyExports.fileKey), lte(privacyExports.expiresAt, now)))
    .limit(500);
  if (due.length === 0) return 0;
  // Files first: a crash between leaves a row that the next sweep deletes again (deleting nothing is fine).
  for (const { fileKey } of due) if (fileKey) await storage().delete(fileKey);
  await db
    .update(privacyExports)
    .set({ status: 'expired', fileKey: null })
    .where(
      inArray(
        privacyExports.id,
        due.map((d) => d.id),
      ),
    );
  return due.length;
}
