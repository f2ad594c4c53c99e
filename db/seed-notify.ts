// Demo notification preferences for the seeded market (called by db/seed.ts after the lots exist): the
// supermarket's buyer gathers its reminders into the daily digest and reads shipping notices in the app only.
import type { DbOrTx } from './client';
import { notificationPreferences } from './schema';

export async function seedDemoNotify(tx: DbOrTx): Promise<void> {
  await tx
    .insert(notificationPreferences)
    .values([
      { userId: 'usr_xianfeng', type: 'demand-matched', channel: 'digest', enabled: true },
      { userId: 'usr_xianfeng', type: 'auction-lost', channel: 'digest', enabled: true },
      { userId: 'usr_xianfeng', type: 'order-shipped', channel: 'email', enabled: false },
    ])
    .onConflictDoNothing();
}
