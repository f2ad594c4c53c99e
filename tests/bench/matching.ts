// Benchmark: matching new demands against a market of live lots — the indexed candidate search against a full scan, same ranking and storing.
//   npm run bench -- matching                 100,000 lots, 1,000 demands, full scan timed on 20 of them
//   npm run bench -- matching --n 20000       (or BENCH_MATCHING_N; BENCH_MATCHING_DEMANDS, BENCH_MATCHING_SAMPLE)
import { sql } from 'drizzle-orm';
import { CATALOGUE, type CategoryDefinition } from '../../app/listings/catalogue';
import { marketToday } from '../../app/listings/form.server';
import { CITIES } from '../../app/geo/cities';
import { seedCatalogue } from '../../db/seed';
import type { BenchContext, BenchResult } from './run';
import { freshBenchDatabase, percentile, positiveInt, random, round } from './support';

const DATABASE = 'wharf_bench_matching';
const DEFAULTS = { n: 100_000, demands: 1_000, sample: 20 };
const BATCH = 1_000;
const SELLERS = 300;
const BUYERS = 50;

/** Fen per kg (per piece for oysters): the usual wholesale range of each category. */
const PRICE_RANGE: Record<string, [number, number]> = {
  'whiteleg-shrimp': [2800, 4500],
  'black-tiger-prawn': [6000, 9000],
  'mud-crab': [8000, 16000],
  oyster: [150, 600],
  tilapia: [800, 1600],
  'golden-pompano': [2200, 3600],
  grouper: [6000, 12000],
  pineapple: [200, 600],
  banana: [250, 500],
  lychee: [800, 2500],
  longan: [600, 1500],
  mango: [400, 1200],
  papaya: [300, 700],
  'sweet-potato': [200, 500],
  'leafy-vegetables': [300, 900],
};
const COLD = ['frozen', 'chilled', 'live', 'ambient'] as const;
const DAY = 86_400_000;

function specValues(r: ReturnType<typeof random>, category: CategoryDefinition) {
  const values: Record<string, string | number> = {};
  for (const attribute of category.attributes) {
    if (!attribute.required && r.chance(0.4)) continue;
    if (attribute.type === 'enum') values[attribute.key] = r.pick(attribute.options).value;
    else if (attribute.type === 'number')
      values[attribute.key] =
        attribute.min +
        r.int(0, Math.floor((attribute.max - attribute.min) / attribute.step)) * attribute.step;
  }
  return values;
}

/** What a buyer asks for: one or two attributes, enum values as a set of two, numbers as a range. */
function wantedSpec(r: ReturnType<typeof random>, category: CategoryDefinition) {
  const wanted: Record<string, unknown> = {};
  for (const attribute of category.attributes.filter((a) => a.type !== 'text')) {
    if (!r.chance(0.5)) continue;
    if (attribute.type === 'enum') {
      const first = r.pick(attribute.options).value;
      const second = r.pick(attribute.options).value;
      wanted[attribute.key] = [...new Set([first, second])];
    } else if (attribute.type === 'number') {
      const span = attribute.max - attribute.min;
      const min = attribute.min + Math.round(r.next() * span * 0.5);
      wanted[attribute.key] = { min, max: Math.min(attribute.max, min + Math.round(span * 0.3)) };
    }
  }
  return wanted;
}

export async function run({ options, emit, log }: BenchContext): Promise<void> {
  const n = positiveInt(options.n ?? process.env.BENCH_MATCHING_N, DEFAULTS.n, '--n', 1_000_000);
  const demandCount = positiveInt(
    process.env.BENCH_MATCHING_DEMANDS,
    DEFAULTS.demands,
    'BENCH_MATCHING_DEMANDS',
    100_000,
  );
  const sample = Math.min(
    demandCount,
    positiveInt(process.env.BENCH_MATCHING_SAMPLE, DEFAULTS.sample, 'BENCH_MATCHING_SAMPLE', 10_000),
  );

  const { pg, url } = await freshBenchDatabase(DATABASE, log);
  // The app's own client (and so the matcher's exact SQL), pointed at the benchmark's database.
  process.env.DATABASE_URL = url;
  process.env.DATABASE_POOL_MAX = '4';
  const { db, closeDb } = await import('../../db/client');
  const { demands, listings, organisations, priceTiers, users } = await import('../../db/schema');
  const { allSellableListings, listingCandidates, toCandidateDemand } = await import(
    '../../app/matching/candidates.server'
  );
  const { rankListings, recomputeDemandMatches } = await import('../../app/matching/matches.server');

  try {
    await seedCatalogue(db);
    const r = random(11);
    const sellerIds = Array.from({ length: SELLERS }, (_, i) => `org_mbs${i}`);
    const buyerIds = Array.from({ length: BUYERS }, (_, i) => `org_mbb${i}`);
    const places = CITIES.map((c) => c.nameZh);
    await db.insert(organisations).values([
      ...sellerIds.map((id, i) => ({
        id,
        name: `批发商 ${i + 1}`,
        kind: 'seller' as const,
        verification: r.chance(0.7) ? ('verified' as const) : ('unverified' as const),
        city: r.pick(places),
        creditScore: r.int(40, 100),
      })),
      ...buyerIds.map((id, i) => ({
        id,
        name: `采购商 ${i + 1}`,
        kind: 'buyer' as const,
        city: r.pick(places),
      })),
    ]);
    await db.insert(users).values(
      [...sellerIds, ...buyerIds].map((id) => ({
        id: `usr_${id}`,
        email: `${id}@bench.test`,
        name: '基准',
        passwordHash: 'x',
      })),
    );

    log(`generating and inserting ${n.toLocaleString('en')} lots…`);
    const today = marketToday();
    const todayMs = Date.parse(`${today}T00:00:00+08:00`);
    const loadStart = performance.now();
    for (let done = 0; done < n; ) {
      const size = Math.min(BATCH, n - done);
      const lots = [];
      const tiers = [];
      for (let i = 0; i < size; i++) {
        const serial = done + i;
        const category = r.pick(CATALOGUE);
        const byPiece = category.baseUnit === 'piece';
        const roll = r.next();
        const status =
          roll < 0.88 ? 'live' : roll < 0.92 ? 'sold_out' : roll < 0.96 ? 'withdrawn' : 'expired';
        const harvested = todayMs - (status === 'expired' ? r.int(20, 40) : r.int(0, 4)) * DAY;
        const shelfLifeDays = status === 'expired' ? r.int(3, 10) : r.int(7, 30);
        const quantityTotal = byPiece ? r.int(10, 500) * 100 : r.int(1, 200) * 100_000;
        const minOrderQuantity = Math.min(
          quantityTotal,
          byPiece ? 100 : r.pick([10_000, 50_000, 100_000, 500_000]),
        );
        const seller = r.int(0, SELLERS - 1);
        const id = `lst_mb${String(serial).padStart(7, '0')}`;
        lots.push({
          id,
          sellerOrgId: sellerIds[seller],
          createdBy: `usr_${sellerIds[seller]}`,
          categoryId: category.id,
          titleZh: `${category.nameZh} ${serial}`,
          spec: specValues(r, category),
          originName: '产地',
          originRegion: '广东',
          harvestDate: new Date(harvested + 8 * 3600_000).toISOString().slice(0, 10),
          shelfLifeDays,
          expiresAt: new Date(harvested + shelfLifeDays * DAY),
          quantityTotal,
          quantityAvailable: status === 'sold_out' ? 0 : quantityTotal,
          minOrderQuantity,
          displayUnit: byPiece ? ('piece' as const) : ('kg' as const),
          coldChain: r.chance(0.85) ? category.defaultColdChain : r.pick(COLD),
          pickupPlace: `${r.pick(places)}冷库`,
          status: status as 'live',
          // Generated lots stand for screened ones: matching considers only a screened version (ADR 0034).
          screenedVersion: 1,
          publishedAt: new Date(harvested),
        });
        const [low, high] = PRICE_RANGE[category.id] ?? [500, 5000];
        const price = r.int(low, high);
        tiers.push({ listingId: id, minQuantity: minOrderQuantity, unitPriceFen: price });
        if (r.chance(0.5))
          tiers.push({
            listingId: id,
            minQuantity: minOrderQuantity * 10,
            unitPriceFen: Math.round(price * 0.95),
          });
      }
      await db.insert(listings).values(lots);
      await db.insert(priceTiers).values(tiers);
      done += size;
      if (done % 20_000 === 0 || done === n) log(`  ${done.toLocaleString('en')} lots`);
    }

    log(`inserting ${demandCount.toLocaleString('en')} new demands…`);
    const demandIds: string[] = [];
    for (let done = 0; done < demandCount; ) {
      const size = Math.min(BATCH, demandCount - done);
      const rows = [];
      for (let i = 0; i < size; i++) {
        const category = r.pick(CATALOGUE);
        const byPiece = category.baseUnit === 'piece';
        const [low, high] = PRICE_RANGE[category.id] ?? [500, 5000];
        const id = `dmd_mb${String(done + i).padStart(6, '0')}`;
        demandIds.push(id);
        const buyer = r.pick(buyerIds);
        rows.push({
          id,
          buyerOrgId: buyer,
          createdBy: `usr_${buyer}`,
          categoryId: category.id,
          title: `求购${category.nameZh}`,
          spec: wantedSpec(r, category),
          quantity: byPiece ? r.int(10, 200) * 100 : r.int(5, 200) * 100_000,
          displayUnit: byPiece ? ('piece' as const) : ('kg' as const),
          targetPriceFen: r.chance(0.8) ? r.int(low, high) : null,
          priceUnit: byPiece ? 'piece' : 'kg',
          deliveryCityId: r.pick(CITIES).id,
          deliverBy: new Date(todayMs + 8 * 3600_000 + 5 * DAY).toISOString().slice(0, 10),
          coldChain: category.defaultColdChain,
          visibility: r.chance(0.2) ? ('verified' as const) : ('all' as const),
          expiresAt: new Date(todayMs + 7 * DAY),
        });
      }
      await db.insert(demands).values(rows);
      done += size;
    }
    await db.execute(sql`analyze`);
    log(`loaded in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

    // The real matcher: indexed candidates, ranking, storing the top N and notifying — as the worker does.
    const indexedMs: number[] = [];
    const start = performance.now();
    for (const [i, id] of demandIds.entries()) {
      const t0 = performance.now();
      await db.transaction((tx) => recomputeDemandMatches(tx, id));
      indexedMs.push(performance.now() - t0);
      if ((i + 1) % 250 === 0) log(`  indexed: ${i + 1} demands`);
    }
    const indexedSeconds = (performance.now() - start) / 1000;

    // The baseline: the same recomputation with every sellable lot of the market as candidates, on a sample.
    const scanMs: number[] = [];
    const scanStart = performance.now();
    for (const id of demandIds.slice(0, sample)) {
      const t0 = performance.now();
      await db.transaction((tx) => recomputeDemandMatches(tx, id, new Date(), (t) => allSellableListings(t)));
      scanMs.push(performance.now() - t0);
    }
    const scanSeconds = (performance.now() - scanStart) / 1000;

    // Same top lots both ways (the index only leaves out lots that would score 0).
    let same = 0;
    let compared = 0;
    let candidates = 0;
    const all = await allSellableListings(db);
    for (const id of demandIds.slice(0, sample)) {
      const [row] = await db.select().from(demands).where(sql`${demands.id} = ${id}`);
      const demand = toCandidateDemand(row);
      const found = await listingCandidates(db, demand);
      candidates += found.length;
      const a = rankListings(demand, found).map((m) => `${m.listing.id}:${m.result.score}`);
      const b = rankListings(demand, all).map((m) => `${m.listing.id}:${m.result.score}`);
      compared += b.length;
      same += b.filter((key, k) => a[k] === key).length;
    }

    indexedMs.sort((a, b) => a - b);
    scanMs.sort((a, b) => a - b);
    const value = demandCount / indexedSeconds;
    const baselineValue = sample / scanSeconds;
    const result: BenchResult = {
      bench: 'matching-new-demands',
      metric: 'demands matched/s (higher is better; ratio = value / baseline_value)',
      value: round(value, 1),
      baseline: `full scan of every sellable lot, same ranking and storing, ${sample} demands`,
      baseline_value: round(baselineValue, 2),
      ratio: round(value / baselineValue, 1),
      total_s: round(indexedSeconds, 1),
      p50_ms: round(percentile(indexedMs, 50), 2),
      p99_ms: round(percentile(indexedMs, 99), 2),
      baseline_p50_ms: round(percentile(scanMs, 50), 2),
      baseline_p99_ms: round(percentile(scanMs, 99), 2),
      mean_candidates: Math.round(candidates / sample),
      sellable_lots: all.length,
      same_top_n: compared === 0 ? 1 : round(same / compared, 4),
      demands: demandCount,
      n,
    };
    emit(result);
    log(
      `${demandCount} demands in ${result.total_s} s (p50 ${result.p50_ms} ms) vs full scan p50 ${result.baseline_p50_ms} ms; same top N ${result.same_top_n}`,
    );
  } finally {
    await closeDb();
    await pg.stop();
  }
}
