// Benchmark P6: market search over N generated lots — the GIN-indexed lexeme search against a sequential ILIKE scan.
//   npm run bench -- search            50,000 lots (about 2–3 minutes on 2 cores)
//   npm run bench -- search --n 1000000 --repeats 3       (or BENCH_SEARCH_N / BENCH_SEARCH_REPEATS)
import { and, eq, sql } from 'drizzle-orm';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import { CATALOGUE, type CategoryDefinition } from '../../app/listings/catalogue';
import { marketToday } from '../../app/listings/form.server';
import { marketConditions, marketSearch } from '../../app/listings/queries.server';
import { documentLexemes, queryText, tsvectorText } from '../../app/listings/search-text';
import type { Db } from '../../db/client';
import { categories, listings, organisations, priceTiers, users } from '../../db/schema';
import { seedCatalogue } from '../../db/seed';
import type { BenchContext, BenchResult } from './run';
import { freshBenchDatabase, percentile, positiveInt, random, round } from './support';

const DATABASE = 'wharf_bench_search';
const DEFAULT_N = 50_000;
const MAX_N = 1_000_000;
const BATCH = 1000;
const SELLERS = 300;

// ---------------------------------------------------------------------------------------------
// Generated lots: titles and descriptions from the catalogue's own words, places of the region.

type Place = { name: string; region: string; en: string };

const SEA_PLACES: Place[] = [
  { name: '湛江东海岛', region: '广东湛江', en: 'Donghai Island, Zhanjiang' },
  { name: '湛江硇洲岛', region: '广东湛江', en: 'Naozhou Island, Zhanjiang' },
  { name: '阳江闸坡', region: '广东阳江', en: 'Zhapo, Yangjiang' },
  { name: '茂名电白', region: '广东茂名', en: 'Dianbai, Maoming' },
  { name: '汕尾红海湾', region: '广东汕尾', en: 'Honghai Bay, Shanwei' },
  { name: '北海铁山港', region: '广西北海', en: 'Tieshan Port, Beihai' },
  { name: '钦州茅尾海', region: '广西钦州', en: 'Maowei Sea, Qinzhou' },
  { name: '防城港企沙', region: '广西防城港', en: 'Qisha, Fangchenggang' },
  { name: '陵水新村港', region: '海南陵水', en: 'Xincun, Lingshui' },
  { name: '文昌清澜港', region: '海南文昌', en: 'Qinglan, Wenchang' },
  { name: '漳州东山岛', region: '福建漳州', en: 'Dongshan Island, Zhangzhou' },
  { name: '宁德霞浦', region: '福建宁德', en: 'Xiapu, Ningde' },
];
const FARM_PLACES: Place[] = [
  { name: '徐闻曲界', region: '广东徐闻', en: 'Qujie, Xuwen' },
  { name: '徐闻下桥', region: '广东徐闻', en: 'Xiaqiao, Xuwen' },
  { name: '茂名高州', region: '广东茂名', en: 'Gaozhou, Maoming' },
  { name: '茂名化州', region: '广东茂名', en: 'Huazhou, Maoming' },
  { name: '增城仙村', region: '广东广州', en: 'Xiancun, Zengcheng' },
  { name: '东莞大岭山', region: '广东东莞', en: 'Dalingshan, Dongguan' },
  { name: '百色田阳', region: '广西百色', en: 'Tianyang, Baise' },
  { name: '南宁武鸣', region: '广西南宁', en: 'Wuming, Nanning' },
  { name: '三亚崖州', region: '海南三亚', en: 'Yazhou, Sanya' },
  { name: '漳州平和', region: '福建漳州', en: 'Pinghe, Zhangzhou' },
  { name: '西双版纳勐腊', region: '云南西双版纳', en: 'Mengla, Xishuangbanna' },
];
const SEA_WORDS = [
  '精品',
  '大规格',
  '塘头直发',
  '产地直供',
  '出口级',
  '现捞现发',
  '一手货源',
  '冷链直达',
  '量大从优',
];
const FARM_WORDS = [
  '精品',
  '产地直供',
  '基地直采',
  '树上熟',
  '新货上市',
  '出口级',
  '一手货源',
  '统货',
  '量大从优',
];
const EN_WORDS = ['Fresh', 'Premium', 'Export grade', 'Farm direct', 'Wholesale', 'Selected', 'New season'];
const ZH_SENTENCES = [
  '可提供检验检疫证明和产地合格证。',
  '支持市场内自提，或冷链配送到广州、深圳、佛山、东莞。',
  '每日凌晨出货，量大可议价，欢迎档口和餐饮采购商下单。',
  '现场验货，过磅计重，按实际重量结算。',
  '规格均匀，损耗低，适合酒楼和商超。',
];
const ZH_SEA = ['活水车运输，到货存活率高。', '冰鲜打包，全程冷链。', '急冻锁鲜，零下十八度储存。'];
const ZH_FARM = ['基地种植，统一采收，分级包装。', '预冷后装箱，每箱净重约十公斤。', '当天采摘当天发货。'];
const EN_SENTENCES = [
  'Shipped daily from the farm.',
  'Inspection certificate available on request.',
  'Cold-chain delivery to Guangzhou, Shenzhen and Foshan.',
  'Graded and packed at origin.',
  'Weighed at hand-over and invoiced by actual weight.',
];
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

const han = (word: string) => /^\p{Script=Han}+$/u.test(word);

type GeneratedLot = {
  listing: PgInsertValue<typeof listings>;
  tiers: (typeof priceTiers.$inferInsert)[];
};

function generator(seed: number, sellerIds: string[], userIds: string[]) {
  const r = random(seed);
  const today = marketToday();
  const now = Date.now();
  let serial = 0;

  function spec(category: CategoryDefinition) {
    const values: Record<string, string | number> = {};
    const zh: string[] = [];
    const en: string[] = [];
    for (const attribute of category.attributes) {
      if (!attribute.required && r.chance(0.4)) continue;
      if (attribute.type === 'enum') {
        const option = r.pick(attribute.options);
        values[attribute.key] = option.value;
        zh.push(option.label.zh);
        en.push(option.label.en);
      } else if (attribute.type === 'number') {
        const steps = Math.floor((attribute.max - attribute.min) / attribute.step);
        values[attribute.key] = attribute.min + r.int(0, steps) * attribute.step;
      } else {
        values[attribute.key] = r.pick(['五公斤装', '十公斤装', '散装']);
      }
    }
    return { values, zh, en };
  }

  return function next(): GeneratedLot {
    serial += 1;
    const category = r.pick(CATALOGUE);
    const seafood = category.group === 'seafood';
    const place = r.pick(seafood ? SEA_PLACES : FARM_PLACES);
    const { values, zh, en } = spec(category);
    const zhName = r.chance(0.5)
      ? category.nameZh
      : r.pick(category.keywords.filter(han).concat(category.nameZh));
    const language = r.next();
    const hasZh = language < 0.9;
    const hasEn = language >= 0.5;
    const titleZh = hasZh
      ? [`${place.name}${zhName}`, ...zh.slice(0, 2), r.pick(seafood ? SEA_WORDS : FARM_WORDS)].join(' ')
      : null;
    const titleEn = hasEn
      ? `${r.pick(EN_WORDS)} ${category.nameEn.toLowerCase()} ${en.slice(0, 2).join(', ')} from ${place.en}`
      : null;
    const descriptionZh = hasZh
      ? [
          `${place.name}${zhName}，${r.pick(seafood ? ZH_SEA : ZH_FARM)}`,
          r.pick(ZH_SENTENCES),
          ...(r.chance(0.5) ? [r.pick(ZH_SENTENCES)] : []),
        ].join('')
      : null;
    const descriptionEn = hasEn ? [r.pick(EN_SENTENCES), r.pick(EN_SENTENCES)].join(' ') : null;

    const byPiece = category.baseUnit === 'piece';
    const quantityTotal = byPiece ? r.int(10, 500) * 100 : r.int(1, 200) * 100_000;
    const minOrderQuantity = byPiece ? 100 : r.pick([10_000, 50_000, 100_000]);
    const displayUnit = byPiece ? 'piece' : r.pick(['kg', 'kg', 'jin', 't', 'case'] as const);
    const [low, high] = PRICE_RANGE[category.id] ?? [500, 5000];
    const firstPrice = r.int(low, high);

    // Mostly live; some sold out, some never public, a few past their shelf life.
    const roll = r.next();
    const status =
      roll < 0.88
        ? 'live'
        : roll < 0.92
          ? 'sold_out'
          : roll < 0.95
            ? 'draft'
            : roll < 0.98
              ? 'withdrawn'
              : 'expired';
    const harvestedDaysAgo = status === 'expired' ? r.int(20, 40) : r.int(0, 4);
    const harvestDate = new Date(Date.parse(`${today}T00:00:00+08:00`) - harvestedDaysAgo * 86_400_000);
    const shelfLifeDays = status === 'expired' ? r.int(3, 10) : r.int(7, 30);
    const id = `lst_bench${String(serial).padStart(7, '0')}`;
    const seller = r.int(0, sellerIds.length - 1);

    // The same composition as listings.server.ts (searchVectorSql): titles weigh A, the rest B.
    const titles = documentLexemes(titleZh, titleEn);
    const rest = documentLexemes(
      category.nameZh,
      category.nameEn,
      ...category.keywords,
      descriptionZh,
      descriptionEn,
      place.name,
      place.region,
      ...Object.values(values).map(String),
    );

    const tiers = [{ listingId: id, minQuantity: minOrderQuantity, unitPriceFen: firstPrice }];
    if (r.chance(0.6))
      tiers.push({
        listingId: id,
        minQuantity: minOrderQuantity * 10,
        unitPriceFen: Math.round(firstPrice * 0.95),
      });
    return {
      listing: {
        id,
        sellerOrgId: sellerIds[seller],
        createdBy: userIds[seller],
        categoryId: category.id,
        titleZh,
        titleEn,
        descriptionZh,
        descriptionEn,
        spec: values,
        originName: place.name,
        originRegion: place.region,
        harvestDate: marketToday(undefined, harvestDate),
        shelfLifeDays,
        expiresAt: new Date(harvestDate.getTime() + shelfLifeDays * 86_400_000),
        quantityTotal,
        quantityAvailable: status === 'sold_out' ? 0 : quantityTotal,
        minOrderQuantity,
        displayUnit,
        caseNetGrams: displayUnit === 'case' ? 10_000 : null,
        coldChain: category.defaultColdChain,
        pickupPlace: `${place.name}冷库`,
        status,
        searchVector: sql`${`${tsvectorText(titles, 'A')} ${tsvectorText(rest, 'B')}`.trim()}::tsvector`,
        publishedAt: status === 'draft' ? null : new Date(now - r.int(0, 5 * 86_400) * 1000),
      },
      tiers,
    };
  };
}

// ---------------------------------------------------------------------------------------------
// Queries, by class: what buyers type, from the same vocabulary.

const QUERIES: Record<string, string[]> = {
  'search-zh-1char': [
    '虾',
    '蟹',
    '蚝',
    '鱼',
    '鲳',
    '斑',
    '萝',
    '蕉',
    '荔',
    '龙',
    '芒',
    '瓜',
    '薯',
    '菜',
    '鲜',
    '冻',
    '湛',
    '闻',
    '海',
    '果',
  ],
  'search-zh-2char': [
    '白虾',
    '对虾',
    '青蟹',
    '膏蟹',
    '生蚝',
    '罗非',
    '金鲳',
    '石斑',
    '菠萝',
    '香蕉',
    '荔枝',
    '龙眼',
    '芒果',
    '木瓜',
    '红薯',
    '菜心',
    '湛江',
    '徐闻',
    '鲜活',
    '冷冻',
  ],
  'search-zh-3char': [
    '白对虾',
    '南美白',
    '罗非鱼',
    '金鲳鱼',
    '石斑鱼',
    '老虎斑',
    '黑虎虾',
    '妃子笑',
    '糯米糍',
    '台农芒',
    '贵妃芒',
    '小白菜',
    '东海岛',
    '茅尾海',
    '铁山港',
    '大规格',
    '出口级',
    '番木瓜',
    '珍珠龙',
    '非洲鲫',
  ],
  'search-zh-4char': [
    '南美白对虾',
    '湛江东海岛',
    '徐闻曲界',
    '珍珠龙胆',
    '去头带壳',
    '塘头直发',
    '产地直供',
    '钦州茅尾海',
    '阳江闸坡',
    '北海铁山港',
    '检验检疫证明',
    '冷链配送',
    '活水车运输',
    '过磅计重',
    '分级包装',
    '一手货源',
    '基地直采',
    '现捞现发',
    '全程冷链',
    '西双版纳',
  ],
  'search-en': [
    'shrimp',
    'prawn',
    'oyster',
    'pompano',
    'grouper',
    'tilapia',
    'crab',
    'pineapple',
    'banana',
    'lychee',
    'longan',
    'mango',
    'papaya',
    'sweet potato',
    'choy sum',
    'frozen',
    'zhanjiang',
    'golden pompano',
    'whiteleg shrimp',
    'export',
  ],
};

/** `%q%` with LIKE's wildcards taken literally. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function ilikeCondition(q: string) {
  const pattern = likePattern(q);
  return sql`(${listings.titleZh} ilike ${pattern} or ${listings.titleEn} ilike ${pattern} or ${listings.descriptionZh} ilike ${pattern} or ${listings.descriptionEn} ilike ${pattern})`;
}

/**
 * The baseline in marketSearch's shape: page of 24 with a window count of every match, then the
 * page's details — with the text condition an ILIKE over titles and descriptions (no index can serve it).
 */
async function ilikePage(db: Db, q: string): Promise<number> {
  const rows = await db.execute<{ total: string }>(sql`
    with hits as (
      select listings.id, listings.published_at, count(*) over () as total
      from listings
      where listings.status = 'live' and listings.expires_at > now() and ${ilikeCondition(q)}
      order by listings.published_at desc nulls last, listings.id desc
      limit 24
    )
    select hits.total, l.*, c.name_zh, c.attributes, o.name as seller_name, o.verification,
      (select min(t.unit_price_fen) from price_tiers t where t.listing_id = l.id) as price
    from hits
    join listings l on l.id = hits.id
    join categories c on c.id = l.category_id
    join organisations o on o.id = l.seller_org_id
    order by hits.published_at desc nulls last, hits.id desc`);
  return Number(rows[0]?.total ?? 0);
}

async function ilikeIds(db: Db, q: string): Promise<Set<string>> {
  const rows = await db
    .select({ id: listings.id })
    .from(listings)
    .where(and(eq(listings.status, 'live'), sql`${listings.expiresAt} > now()`, ilikeCondition(q)));
  return new Set(rows.map((row) => row.id));
}

async function indexedIds(db: Db, q: string): Promise<Set<string>> {
  const rows = await db
    .select({ id: listings.id })
    .from(listings)
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .innerJoin(organisations, eq(organisations.id, listings.sellerOrgId))
    .where(and(...marketConditions({ q }, queryText(q))));
  return new Set(rows.map((row) => row.id));
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/**
 * Inserts `n` generated lots (and the 300 sellers they belong to) into a database that has the catalogue; the
 * same market every time. The SSR benchmark loads its lots with this too.
 */
export async function insertGeneratedLots(db: Db, n: number, log: (message: string) => void): Promise<void> {
  const sellerIds = Array.from({ length: SELLERS }, (_, i) => `org_bench${i}`);
  const userIds = Array.from({ length: SELLERS }, (_, i) => `usr_bench${i}`);
  const r = random(7);
  await db.insert(organisations).values(
    sellerIds.map((id, i) => ({
      id,
      name: `${r.pick([...SEA_PLACES, ...FARM_PLACES]).name}${r.pick(['水产', '果蔬', '农业', '海产'])}批发商 ${i + 1}`,
      kind: 'seller' as const,
      verification: r.chance(0.7) ? ('verified' as const) : ('unverified' as const),
      city: '湛江',
    })),
  );
  await db
    .insert(users)
    .values(userIds.map((id) => ({ id, email: `${id}@bench.test`, name: '基准', passwordHash: 'x' })));
  log(`generating and inserting ${n.toLocaleString('en')} lots in batches of ${BATCH}…`);
  const next = generator(42, sellerIds, userIds);
  for (let done = 0; done < n; ) {
    const size = Math.min(BATCH, n - done);
    const batch = Array.from({ length: size }, next);
    await db.insert(listings).values(batch.map((lot) => lot.listing));
    await db.insert(priceTiers).values(batch.flatMap((lot) => lot.tiers));
    done += size;
    if (done % (BATCH * 10) === 0 || done === n) log(`  ${done.toLocaleString('en')} lots`);
  }
}

export async function run({ options, emit, log }: BenchContext): Promise<void> {
  const n = positiveInt(options.n ?? process.env.BENCH_SEARCH_N, DEFAULT_N, '--n', MAX_N);
  const repeats = positiveInt(options.repeats ?? process.env.BENCH_SEARCH_REPEATS, 5, '--repeats', 100);

  const { pg, url } = await freshBenchDatabase(DATABASE, log);
  // The app's own client (and so marketSearch's exact SQL), pointed at the benchmark's database.
  process.env.DATABASE_URL = url;
  process.env.DATABASE_POOL_MAX = '4';
  const { db, closeDb } = await import('../../db/client');

  try {
    await seedCatalogue(db);
    // Bulk load without the GIN index, then build it once: the usual way to load a table this size.
    await db.execute(sql`drop index if exists listings_search_idx`);
    const loadStart = performance.now();
    await insertGeneratedLots(db, n, log);
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const indexStart = performance.now();
    await db.execute(sql`create index listings_search_idx on listings using gin (search_vector)`);
    await db.execute(sql`analyze`);
    log(
      `loaded in ${loadSeconds.toFixed(1)} s, index built and analysed in ${((performance.now() - indexStart) / 1000).toFixed(1)} s`,
    );

    for (const [bench, queries] of Object.entries(QUERIES)) {
      // Warm-up pass: fills the caches for both, and gives the full result sets for recall.
      let found = 0;
      let expected = 0;
      let matches = 0;
      for (const q of queries) {
        const [indexed, scanned] = await Promise.all([indexedIds(db, q), ilikeIds(db, q)]);
        for (const id of scanned) if (indexed.has(id)) found += 1;
        expected += scanned.size;
        matches += indexed.size;
        await marketSearch(db, { q });
        await ilikePage(db, q);
      }
      const indexedMs: number[] = [];
      const baselineMs: number[] = [];
      for (let pass = 0; pass < repeats; pass++) {
        for (const q of queries) {
          // Alternate which goes first so neither always runs on the other's warm cache.
          const pair = [
            async () => indexedMs.push((await timed(() => marketSearch(db, { q }))).ms),
            async () => baselineMs.push((await timed(() => ilikePage(db, q))).ms),
          ];
          if (pass % 2 === 1) pair.reverse();
          for (const step of pair) await step();
        }
      }
      indexedMs.sort((a, b) => a - b);
      baselineMs.sort((a, b) => a - b);
      const p50 = percentile(indexedMs, 50);
      const baselineP50 = percentile(baselineMs, 50);
      const result: BenchResult = {
        bench,
        metric: 'p50 latency ms (lower is better; ratio = baseline_value / value)',
        value: round(p50, 2),
        baseline: 'sequential ILIKE scan',
        baseline_value: round(baselineP50, 2),
        ratio: round(baselineP50 / p50, 1),
        p50_ms: round(p50, 2),
        p99_ms: round(percentile(indexedMs, 99), 2),
        baseline_p50_ms: round(baselineP50, 2),
        baseline_p99_ms: round(percentile(baselineMs, 99), 2),
        recall: expected === 0 ? 1 : round(found / expected, 4),
        mean_matches: Math.round(matches / queries.length),
        queries: queries.length,
        repeats,
        n,
      };
      emit(result);
      log(
        `${bench}: indexed p50 ${result.p50_ms} ms vs ILIKE ${result.baseline_p50_ms} ms, recall ${result.recall}`,
      );
    }
  } finally {
    await closeDb();
    await pg.stop();
  }
}
