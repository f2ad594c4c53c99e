// Demo demand posts and quotes for the seeded market (called by db/seed.ts after the lots exist).
import type { DbOrTx } from './client';

export async function seedDemoDemand(_tx: DbOrTx): Promise<void> {}
