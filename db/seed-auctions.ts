// Demo auctions for the seeded market (called by db/seed.ts after the lots exist).
import type { DbOrTx } from './client';

export async function seedDemoAuctions(_tx: DbOrTx): Promise<void> {}
