// Demo carriers' vehicles, cold rooms and trace events for the seeded market (called by db/seed.ts after the lots exist).
import { eq } from 'drizzle-orm';
import type { DbOrTx } from './client';
import { coldRooms, listings, telemetryDevices, vehicles } from './schema';
import { newId, newToken } from '../app/lib/ids';
import { recordHarvest, recordTraceStep } from '../app/trace/trace.server';

const CARRIER = 'org_nanyue';

/** 南粤冷链's fleet: reefers, live-water tankers and a dry van based around the market's region. */
const VEHICLES = [
  { plate: '粤GC2851', tempClass: 'chilled', capacityKg: 8_000, capacityPallets: 12, homeBase: '湛江霞山' },
  { plate: '粤GL7736', tempClass: 'live', capacityKg: 5_000, capacityPallets: 8, homeBase: '湛江东海岛' },
  { plate: '粤GF3309', tempClass: 'frozen', capacityKg: 12_000, capacityPallets: 16, homeBase: '湛江' },
  { plate: '粤AC6620', tempClass: 'chilled', capacityKg: 6_000, capacityPallets: 10, homeBase: '广州' },
  { plate: '粤AL2093', tempClass: 'live', capacityKg: 4_500, capacityPallets: 6, homeBase: '广州' },
  { plate: '桂NL1187', tempClass: 'live', capacityKg: 4_000, capacityPallets: 6, homeBase: '钦州' },
  { plate: '粤GA5052', tempClass: 'ambient', capacityKg: 10_000, capacityPallets: 14, homeBase: '徐闻' },
] as const;

const ROOMS = [
  {
    name: '霞山冷链物流园 A 区 12 号库',
    place: '湛江霞山冷链物流园',
    tempClass: 'frozen',
    capacityKg: 200_000,
    capacityPallets: 300,
  },
  {
    name: '霞山冷链物流园 B 区 3 号库',
    place: '湛江霞山冷链物流园',
    tempClass: 'chilled',
    capacityKg: 80_000,
    capacityPallets: 120,
  },
  {
    name: '江南果菜市场周转冷库',
    place: '广州江南果菜批发市场',
    tempClass: 'chilled',
    capacityKg: 60_000,
    capacityPallets: 90,
  },
] as const;

/** Quality certificates (合格证) the producers attached to some of their lots, by the lot's Chinese title. */
const CERTIFICATES: { titleStartsWith: string; number: string }[] = [
  { titleStartsWith: '湛江南美白对虾 40/50', number: '粤湛水合格 2026-0412-118' },
  { titleStartsWith: '南美白对虾 30/40', number: '粤湛水合格 2026-0412-119' },
  { titleStartsWith: '钦州', number: '桂钦水合格 2026-0937-021' },
  { titleStartsWith: '徐闻', number: '粤徐农合格 2026-0215-306' },
];

export async function seedDemoColdChain(tx: DbOrTx): Promise<void> {
  for (const vehicle of VEHICLES) {
    const id = newId('veh');
    await tx.insert(vehicles).values({ id, carrierOrgId: CARRIER, ...vehicle });
    await tx.insert(telemetryDevices).values({ id: newId('dev'), vehicleId: id, secret: newToken() });
  }
  await tx
    .insert(coldRooms)
    .values(ROOMS.map((room) => ({ id: newId('crm'), carrierOrgId: CARRIER, ...room })));

  const lots = await tx
    .select({ id: listings.id, titleZh: listings.titleZh })
    .from(listings)
    .where(eq(listings.status, 'live'));
  // Every lot's trace starts at its harvest (the listing hook records it; this keeps it true for lots seeded otherwise).
  for (const lot of lots) await recordHarvest(tx, lot.id);
  for (const cert of CERTIFICATES) {
    const lot = lots.find((l) => l.titleZh?.startsWith(cert.titleStartsWith));
    if (!lot) continue;
    // The inspection behind the certificate, the morning after the harvest (the lot page keeps its photos only).
    await recordTraceStep(tx, {
      step: 'inspection',
      listingId: lot.id,
      dedupeKey: `inspection:seed:${lot.id}`,
      certificates: [cert.number],
    });
  }
}
