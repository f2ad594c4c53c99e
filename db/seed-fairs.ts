// The demo trade fair (#19) for the seeded market: the shrimp season opening, on from today for three market days,
// with two zones of booths, three seed sellers exhibiting, a fair price and free meeting slots at the shrimp farm's booth.
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from './client';
import { fairApplications, fairBooths, fairPrices, fairSlots, fairs, listings, priceTiers } from './schema';
import { addDays, marketDayAt, marketToday } from '../app/lib/market-time';

const DEMO_FAIR_ID = 'fair_demo_shrimp';
const FAIR_PRICED_LOT = '斑节对虾 30/40 头 去头冻虾';

const BOOTHS = [
  ['A01', '水产区', 0, 0],
  ['A02', '水产区', 0, 1],
  ['A03', '水产区', 0, 2],
  ['A04', '水产区', 0, 3],
  ['B01', '果蔬区', 1, 0],
  ['B02', '果蔬区', 1, 1],
  ['B03', '果蔬区', 1, 2],
  ['B04', '果蔬区', 1, 3],
] as const;

/** Seed sellers and their booths. Their booths were given free of charge, so no fee is posted to the ledger. */
const EXHIBITORS = [
  { orgId: 'org_haixing', userId: 'usr_haixing', booth: 'A01', pitch: '湛江鲜活南美白对虾，开海首批' },
  { orgId: 'org_maowei', userId: 'usr_maowei', booth: 'A02', pitch: '钦州茅尾海生蚝' },
  { orgId: 'org_xuwen', userId: 'usr_xuwen', booth: 'B01', pitch: '徐闻菠萝' },
];

export async function seedDemoFairs(tx: DbOrTx): Promise<void> {
  const today = marketToday();
  await tx.insert(fairs).values({
    id: DEMO_FAIR_ID,
    nameZh: '湛江对虾开海节',
    nameEn: 'Zhanjiang shrimp season opening',
    startsOn: today,
    endsOn: addDays(today, 2),
    hall: '湛江国际会展中心 1 号馆',
    onlineOpens: '08:00',
    onlineCloses: '20:00',
    featuredCategoryIds: ['whiteleg-shrimp', 'oyster', 'pineapple'],
    createdBy: 'usr_operator',
  });
  const held = new Set(EXHIBITORS.map((e) => e.booth));
  for (const [number, zone, row, col] of BOOTHS)
    await tx.insert(fairBooths).values({
      id: `bth_demo_${number.toLowerCase()}`,
      fairId: DEMO_FAIR_ID,
      number,
      zone,
      widthM: 3,
      depthM: 3,
      priceFen: held.has(number) ? 0 : 80_000,
      gridRow: row,
      gridCol: col,
    });
  for (const e of EXHIBITORS)
    await tx.insert(fairApplications).values({
      id: `fap_demo_${e.booth.toLowerCase()}`,
      fairId: DEMO_FAIR_ID,
      orgId: e.orgId,
      pitch: e.pitch,
      status: 'allocated',
      boothId: `bth_demo_${e.booth.toLowerCase()}`,
      appliedBy: e.userId,
      decidedBy: 'usr_operator',
    });
  // A fair price 10% under the frozen black tiger prawns' lowest tier (a lot no test buys by its list price).
  const [lot] = await tx
    .select({ id: listings.id, price: priceTiers.unitPriceFen })
    .from(listings)
    .innerJoin(priceTiers, eq(priceTiers.listingId, listings.id))
    .where(and(eq(listings.sellerOrgId, 'org_haixing'), eq(listings.titleZh, FAIR_PRICED_LOT)))
    .orderBy(asc(priceTiers.unitPriceFen))
    .limit(1);
  if (lot)
    await tx.insert(fairPrices).values({
      fairId: DEMO_FAIR_ID,
      listingId: lot.id,
      orgId: 'org_haixing',
      priceFen: Math.round(lot.price * 0.9),
    });
  // Free meeting slots at the shrimp farm's booth tomorrow.
  const tomorrow = addDays(today, 1);
  for (const [time, mode] of [
    ['10:00', 'either'],
    ['10:30', 'either'],
    ['11:00', 'hall'],
    ['14:00', 'video'],
  ] as const) {
    const from = marketDayAt(tomorrow, time);
    const until = new Date(from.getTime() + 30 * 60_000);
    await tx.insert(fairSlots).values({
      id: `fsl_demo_${time.replace(':', '')}`,
      fairId: DEMO_FAIR_ID,
      orgId: 'org_haixing',
      during: `[${from.toISOString()},${until.toISOString()})`,
      mode,
      createdBy: 'usr_haixing',
    });
  }
}
