// Demo carriers' vehicles, cold rooms and trace events for the seeded market (called by db/seed.ts after the lots exist).
import type { DbOrTx } from './client';

export async function seedDemoColdChain(_tx: DbOrTx): Promise<void> {}
