// Read-your-writes over a streaming replica (issue #20, ADR 0055): pages that may read a moment behind read the
// replica, except for a browser that wrote within READ_YOUR_WRITES_SECONDS — it reads the primary, so nobody sees a
// view older than their own last action. The mark is a short-lived cookie every web process sets on a write and
// reads on a page, so any process behind the proxy honours it without shared state.
import { db, replicaDb } from '../../db/client';
import { env } from './env.server';

export const FRESH_COOKIE = 'wharf_fresh';

/** Whether the request carries the mark of a write in the last READ_YOUR_WRITES_SECONDS. */
export function wroteRecently(request: Request): boolean {
  const header = request.headers.get('cookie') ?? '';
  return header.split(';').some((part) => part.trim() === `${FRESH_COOKIE}=1`);
}

/** The pool a replica-tolerant page reads from: the replica, or the primary for a recent writer (or no replica). */
export function readerFor(request: Request) {
  if (!env().DATABASE_REPLICA_URL || wroteRecently(request)) return db;
  return replicaDb;
}

/** Request methods that write: the mark is set on every one of them, whatever its outcome. */
export function isWrite(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}
