// Route modules reach the database through this server-only module so none of it reaches the browser bundle.
export { db, type Db, type DbOrTx, type Tx } from '../../db/client';
export * from '../../db/schema';
// drizzle's operators too: a route that imported 'drizzle-orm' itself pulled drizzle into its browser chunk.
export {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  ne,
  not,
  or,
  sql,
} from 'drizzle-orm';
