// Route modules reach the database through this server-only module so none of it reaches the browser bundle.
export { db, type Db, type DbOrTx, type Tx } from '../../db/client';
export * from '../../db/schema';
