// Benchmark: the quotes board and a 365-day price series read from the day aggregates, against the same answers
// aggregated from the trades table in the same run (issue #15; ADR 0036).
//   npm run bench -- price-index              1,000,000 trades over 365 days, 200 reads each, baseline 30 each
//   npm run bench -- price-index --n 100000   (or BENCH_PRICE_INDEX_N; --repeats / BENCH_PRICE_INDEX_REPEATS)
//   npm run bench -- price-index --reuse      measures again on the trades a previous run of the same --n left
import { availableParallelism, loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { CATALOGUE } from '../../app/listings/catalogue';
import { addDays } from '../../app/lib/market-time';
import { migrateDatabase } from '../../db/migrate';
import { seedCatalogue } from '../../db/seed';
import { ensureDatabase } from '../../scripts/databases';
import { ensurePostgres } from '../../scripts/services';
import type { BenchContext, BenchResult } from './run';
import { percentile, positiveInt, random, round } from './support';

const DATABASE = 'wharf_bench_price_index';
const DEFAULTS = { n: 1_000_000, repeats: 200, baselineRepeats: 30 };
const DAYS = 365;
/** The last market day of the generated history (fixed, so every run builds the same market). */
const LAST_DAY = '2026-11-30';
const GRADES = ['premium', 'first', 'second', 'ungraded'];
const ORIGINS = ['广东', '广西', '海南', '福建', '浙江'];

type Board = Awaited<ReturnType<typeof import('../../app/market-data/queries.server').quotesBoard>>;
type Series = Awaited<ReturnType<typeof import('../../app/market-data/queries.server').priceSeries>>;

async function timed<T>(repeats: number, call: (i: number) => Promise<T>) {
  const ms: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    last = await call(i);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { ms, last: last as T };
}

export async function run({ options, emit, log }: BenchContext): Promise<void> {
  const n = positiveInt(options.n ?? process.env.BENCH_PRICE_INDEX_N, DEFAULTS.n, '--n', 10_000_000);
  const repeats = positiveInt(
    options.repeats ?? process.env.BENCH_PRICE_INDEX_REPEATS,
    DEFAULTS.repeats,
    '--repeats',
    100_000,
  );
  const baselineRepeats = Math.min(repeats, DEFAULTS.baselineRepeats);

  // --reuse: keep the database a previous run of the same size left (generating a year of trades takes minutes).
  const pg = await ensurePostgres(log);
  let url = await ensureDatabase(pg.url, DATABASE);
  let reused = false;
  if (options.reuse) {
    const probe = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await probe`select count(*)::int as n from market_trades`;
      reused = row?.n === n;
    } catch {
      reused = false;
    } finally {
      await probe.end({ timeout: 5 });
    }
    log(reused ? `reusing the ${n.toLocaleString('en')} trades already loaded` : 'nothing to reuse; loading');
  }
  if (!reused) {
    url = await ensureDatabase(pg.url, DATABASE, { fresh: true });
    await migrateDatabase(url);
  }
  // The app's own client and queries, pointed at the benchmark's database.
  process.env.DATABASE_URL = url;
  process.env.DATABASE_POOL_MAX = '2';
  const { db, closeDb } = await import('../../db/client');
  const { organisations } = await import('../../db/schema');
  const { rebuildMarketAggregates } = await import('../../app/market-data/index.server');
  const { priceSeries, quotesBoard } = await import('../../app/market-data/queries.server');

  try {
    const byWeight = CATALOGUE.filter((c) => c.baseUnit === 'g').map((c) => c.id);
    const firstDay = addDays(LAST_DAY, -(DAYS - 1));
    let tradesSeconds = 0;
    let rebuildSeconds = 0;
    if (!reused) {
      await seedCatalogue(db);
      await db.insert(organisations).values([
        { id: 'org_pis', name: '基准卖家', kind: 'seller' },
        { id: 'org_pib', name: '基准买家', kind: 'buyer' },
      ]);

      log(`generating ${n.toLocaleString('en')} trades over ${DAYS} days (${byWeight.length} categories)…`);
      const loadStart = performance.now();
      // One statement: a category, grade, origin and day per trade, a price around the category's level that drifts
      // with the season, a weight of 10 kg to 2 t. setseed makes every run generate the same trades.
      await db.transaction(async (tx) => {
        await tx.execute(sql`select setseed(0.42)`);
        await tx.execute(sql`
          insert into market_trades (order_id, category_id, grade, origin, day, completed_at, price_fen_per_kg,
            weight_grams, amount_fen, source, seller_org_id, buyer_org_id)
          select 'bench_' || g, c, gr, o, d, d + time '10:00' - interval '8 hours', p, w, round(p * w / 1000.0), 'buy_now',
            'org_pis', 'org_pib'
          from (
            select g, c, gr, o, d, w,
              greatest(100, round((500 + length(c) * 300) * (1 + 0.15 * sin((d - ${firstDay}::date) / 29.0))
                * (0.85 + 0.3 * random()) * (case gr when 'premium' then 1.3 when 'second' then 0.8 else 1 end)))::bigint as p
            from (
              select g,
                (${sql.raw(`array[${byWeight.map((id) => `'${id}'`).join(',')}]`)})[1 + floor(random() * ${byWeight.length})::int] as c,
                (${sql.raw(`array[${GRADES.map((g) => `'${g}'`).join(',')}]`)})[1 + floor(random() * ${GRADES.length})::int] as gr,
                (${sql.raw(`array[${ORIGINS.map((o) => `'${o}'`).join(',')}]`)})[1 + floor(random() * ${ORIGINS.length})::int] as o,
                ${firstDay}::date + floor(random() * ${DAYS})::int as d,
                (10 + floor(random() * 1991))::bigint * 1000 as w
              from generate_series(1, ${n}) g
            ) raw
          ) priced`);
      });
      tradesSeconds = (performance.now() - loadStart) / 1000;
      log(`  trades inserted in ${tradesSeconds.toFixed(1)} s; building the day aggregates…`);
      const rebuildStart = performance.now();
      await rebuildMarketAggregates(db);
      rebuildSeconds = (performance.now() - rebuildStart) / 1000;
      // What autovacuum does to an insert-mostly table soon after a load: statistics and the visibility map.
      await db.execute(sql`vacuum analyze market_trades`);
      await db.execute(sql`vacuum analyze market_day_aggregates`);
    }
    const [{ aggregates }] = (await db.execute(
      sql`select count(*)::int as aggregates from market_day_aggregates`,
    )) as unknown as { aggregates: number }[];
    log(`  ${aggregates.toLocaleString('en')} aggregate rows`);

    const r = random(15);
    const days = Array.from({ length: repeats }, (_, i) =>
      i === 0 ? LAST_DAY : addDays(LAST_DAY, -r.int(0, 350)),
    );
    const pairs = Array.from({ length: repeats }, () => ({
      categoryId: r.pick(byWeight),
      grade: r.pick(GRADES),
    }));

    // Warm both paths once (plans, caches), so neither pays the first read.
    await quotesBoard(db, { day: days[1] });
    await boardFromTrades(days[1]);

    // The floor under every figure: a round trip of `select 1` through the same client, on this machine now.
    const load = loadavg()[0];
    const floor = await timed(repeats, () => db.execute(sql`select 1`));
    const board = await timed(repeats, (i) => quotesBoard(db, { day: days[i] }));
    const boardBaseline = await timed(baselineRepeats, (i) => boardFromTrades(days[i]));
    const series = await timed(repeats, (i) =>
      priceSeries(db, { ...pairs[i], fromDay: firstDay, toDay: LAST_DAY }),
    );
    const seriesBaseline = await timed(baselineRepeats, (i) =>
      seriesFromTrades(pairs[i], firstDay, LAST_DAY),
    );

    // Same answers both ways, for every sampled day and pair the baseline ran.
    let same = true;
    for (let i = 0; i < baselineRepeats; i++) {
      if (
        JSON.stringify(await quotesBoard(db, { day: days[i] })) !==
        JSON.stringify(await boardFromTrades(days[i]))
      )
        same = false;
      const a = await priceSeries(db, { ...pairs[i], fromDay: firstDay, toDay: LAST_DAY });
      if (JSON.stringify(a) !== JSON.stringify(await seriesFromTrades(pairs[i], firstDay, LAST_DAY)))
        same = false;
    }
    if (!same) log('  WARNING: the aggregates and the trades table disagree');

    const common = {
      trades: n,
      days: DAYS,
      aggregate_rows: aggregates,
      load_s: round(tradesSeconds, 1),
      rebuild_s: round(rebuildSeconds, 1),
      reused_data: reused,
      same_answer: same,
      floor_select1_p50_ms: round(percentile(floor.ms, 50), 2),
      floor_select1_p99_ms: round(percentile(floor.ms, 99), 2),
      loadavg_1m: round(load, 1),
      cpus: availableParallelism(),
    };
    const report = (
      bench: string,
      what: string,
      rows: number,
      fast: { ms: number[] },
      slow: { ms: number[] },
    ): BenchResult => {
      const p99 = percentile(fast.ms, 99);
      const baselineP99 = percentile(slow.ms, 99);
      return {
        bench,
        metric: 'p99 ms (lower is better; ratio = baseline_value / value)',
        value: round(p99, 2),
        baseline: `${what} aggregated from market_trades, same answer, ${slow.ms.length} reads`,
        baseline_value: round(baselineP99, 2),
        ratio: round(baselineP99 / p99, 1),
        p50_ms: round(percentile(fast.ms, 50), 2),
        p99_ms: round(p99, 2),
        baseline_p50_ms: round(percentile(slow.ms, 50), 2),
        baseline_p99_ms: round(baselineP99, 2),
        reads: fast.ms.length,
        rows,
        goal_p99_ms: 20,
        ...common,
      };
    };
    const boardResult = report(
      'price-index-board',
      'the board of one day',
      board.last.length,
      board,
      boardBaseline,
    );
    const seriesResult = report(
      'price-index-series',
      'one category and grade over 365 days',
      series.last.length,
      series,
      seriesBaseline,
    );
    emit(boardResult);
    emit(seriesResult);
    log(
      `board p99 ${boardResult.value} ms (baseline ${boardResult.baseline_value} ms); series p99 ${seriesResult.value} ms (baseline ${seriesResult.baseline_value} ms); same answer ${same}`,
    );
  } finally {
    await closeDb();
    await pg.stop();
  }

  /** The board's answer straight from the trades: the day, the previous trading day and the 14-day reference. */
  async function boardFromTrades(day: string): Promise<Board> {
    const from = addDays(day, -14);
    const rows = (await db.execute(sql`
      with today as (
        select category_id, grade, origin, sum(price_fen_per_kg * weight_grams) as value, sum(weight_grams) as weight,
          min(price_fen_per_kg) as low, max(price_fen_per_kg) as high, count(*) as trades
        from market_trades where day = ${day}::date group by category_id, grade, origin
      ),
      reference as (
        select t.category_id, t.grade, sum(t.price_fen_per_kg * t.weight_grams) as value, sum(t.weight_grams) as weight
        from market_trades t
        join (select distinct category_id, grade from today) k on k.category_id = t.category_id and k.grade = t.grade
        where t.day >= ${from}::date and t.day < ${day}::date
        group by t.category_id, t.grade
      )
      select t.category_id, c.name_zh, c.name_en, t.grade, t.origin,
        round(t.value::numeric / t.weight)::bigint as vwap, t.low, t.high, t.weight, t.trades,
        (select round(sum(p.price_fen_per_kg * p.weight_grams)::numeric / sum(p.weight_grams))::bigint
           from market_trades p
           where p.category_id = t.category_id and p.grade = t.grade and p.origin = t.origin
             and p.day = (select max(q.day) from market_trades q
                          where q.category_id = t.category_id and q.grade = t.grade and q.origin = t.origin
                            and q.day < ${day}::date)) as prev_vwap,
        round(ref.value::numeric / nullif(ref.weight, 0))::bigint as reference
      from today t
      join categories c on c.id = t.category_id
      left join reference ref on ref.category_id = t.category_id and ref.grade = t.grade
      order by c.sort, c.id, t.grade, t.origin`)) as unknown as Record<string, string | null>[];
    return rows.map((row) => ({
      categoryId: String(row.category_id),
      categoryName: { zh: String(row.name_zh), en: String(row.name_en) },
      grade: String(row.grade),
      origin: String(row.origin),
      vwapFen: Number(row.vwap),
      lowFen: Number(row.low),
      highFen: Number(row.high),
      volumeGrams: Number(row.weight),
      trades: Number(row.trades),
      prevVwapFen: row.prev_vwap === null ? null : Number(row.prev_vwap),
      referenceFen: row.reference === null ? null : Number(row.reference),
    }));
  }

  async function seriesFromTrades(
    pair: { categoryId: string; grade: string },
    fromDay: string,
    toDay: string,
  ): Promise<Series> {
    const rows = (await db.execute(sql`
      select to_char(day, 'YYYY-MM-DD') as day,
        round(sum(price_fen_per_kg * weight_grams)::numeric / sum(weight_grams))::bigint as vwap,
        min(price_fen_per_kg) as low, max(price_fen_per_kg) as high, sum(weight_grams) as weight, count(*) as trades
      from market_trades
      where category_id = ${pair.categoryId} and grade = ${pair.grade} and day between ${fromDay}::date and ${toDay}::date
      group by day order by day`)) as unknown as Record<string, string>[];
    return rows.map((row) => ({
      day: row.day,
      vwapFen: Number(row.vwap),
      lowFen: Number(row.low),
      highFen: Number(row.high),
      volumeGrams: Number(row.weight),
      trades: Number(row.trades),
    }));
  }
}
