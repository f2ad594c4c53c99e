// Demo notification preferences for the seeded market (called by db/seed.ts after the lots exist).
import type { DbOrTx } from './client';

export async function seedDemoNotify(_tx: DbOrTx): Promise<void> {}
