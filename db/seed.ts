// The demo market: an operator, three sellers with their lots, two buyers and a carrier, each with a user to log in as.
import { pathToFileURL } from 'node:url';
import { hash } from '@node-rs/argon2';
import { count } from 'drizzle-orm';
import type { DbOrTx } from './client';
import { CATALOGUE } from '../app/listings/catalogue';
import { CITIES } from '../app/geo/cities';
import { seedDemoAuctions } from './seed-auctions';
import { seedDemoColdChain } from './seed-coldchain';
import { seedDemoDemand } from './seed-demand';
import { seedDemoExchange } from './seed-exchange';
import { seedDemoFarming } from './seed-farming';
import { seedDemoFairs } from './seed-fairs';
import { seedDemoListings } from './seed-listings';
import { seedDemoMarketData } from './seed-market-data';
import { seedDemoNotify } from './seed-notify';
import { seedDemoTrust } from './seed-trust';
import { categories, cities, memberships, organisations, users } from './schema';
import type { OrgKind } from './schema';

export const DEMO_PASSWORD = 'wharf-demo-2026';

type DemoOrg = {
  id: string;
  name: string;
  kind: OrgKind;
  city: string;
  user: { id: string; email: string; name: string };
};

export const DEMO_ORGS: DemoOrg[] = [
  {
    id: 'org_operator',
    name: '码头市场运营中心',
    kind: 'operator',
    city: '湛江',
    user: { id: 'usr_operator', email: 'operator@wharf.test', name: '陈立新' },
  },
  {
    id: 'org_haixing',
    name: '湛江海兴南美白对虾养殖场',
    kind: 'seller',
    city: '湛江',
    user: { id: 'usr_haixing', email: 'shrimp@wharf.test', name: '黄海兴' },
  },
  {
    id: 'org_maowei',
    name: '钦州茅尾海生蚝专业合作社',
    kind: 'seller',
    city: '钦州',
    user: { id: 'usr_maowei', email: 'oyster@wharf.test', name: '李秀英' },
  },
  {
    id: 'org_xuwen',
    name: '徐闻菠萝的海种植基地',
    kind: 'seller',
    city: '徐闻',
    user: { id: 'usr_xuwen', email: 'pineapple@wharf.test', name: '吴志强' },
  },
  {
    id: 'org_yuewei',
    name: '粤味轩餐饮集团',
    kind: 'buyer',
    city: '广州',
    user: { id: 'usr_yuewei', email: 'restaurant@wharf.test', name: '张敏' },
  },
  {
    id: 'org_xianfeng',
    name: '鲜丰超市连锁',
    kind: 'buyer',
    city: '深圳',
    user: { id: 'usr_xianfeng', email: 'supermarket@wharf.test', name: '刘洋' },
  },
  {
    id: 'org_nanyue',
    name: '南粤冷链物流',
    kind: 'carrier',
    city: '湛江',
    user: { id: 'usr_nanyue', email: 'carrier@wharf.test', name: '周建国' },
  },
];

/** The market's categories and places: added where missing, never overwriting an operator's changes. */
export async function seedCatalogue(tx: DbOrTx): Promise<void> {
  await tx
    .insert(categories)
    .values(CATALOGUE.map((category, sort) => ({ ...category, sort })))
    .onConflictDoNothing({ target: categories.id });
  await tx.insert(cities).values(CITIES).onConflictDoNothing({ target: cities.id });
}

/** Seeds an empty database; returns false (and changes nothing) when users already exist. */
export async function seedDemoMarket(tx: DbOrTx): Promise<boolean> {
  await seedCatalogue(tx);
  const [{ n }] = await tx.select({ n: count() }).from(users);
  if (n > 0) return false;
  const passwordHash = await hash(DEMO_PASSWORD);
  for (const org of DEMO_ORGS) {
    await tx.insert(organisations).values({
      id: org.id,
      name: org.name,
      kind: org.kind,
      city: org.city,
      verification: org.kind === 'seller' || org.kind === 'operator' ? 'verified' : 'unverified',
    });
    await tx.insert(users).values({ ...org.user, passwordHash, locale: 'zh-CN' });
    await tx.insert(memberships).values({ orgId: org.id, userId: org.user.id, role: 'owner' });
  }
  await seedDemoListings(tx);
  // Each area adds its demo data after the lots exist (each in its own module).
  await seedDemoTrust(tx);
  await seedDemoDemand(tx);
  await seedDemoAuctions(tx);
  await seedDemoColdChain(tx);
  await seedDemoNotify(tx);
  await seedDemoMarketData(tx);
  await seedDemoExchange(tx);
  await seedDemoFarming(tx);
  await seedDemoFairs(tx);
  return true;
}

export function demoAccountsTable(): string {
  const rows = DEMO_ORGS.map((org) => `  ${org.user.email.padEnd(24)} ${org.kind.padEnd(9)} ${org.name}`);
  return [`Demo accounts (password: ${DEMO_PASSWORD})`, ...rows].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { db, closeDb } = await import('./client');
  const seeded = await db.transaction((tx) => seedDemoMarket(tx));
  console.log(seeded ? 'demo market seeded' : 'database already has users; seed skipped');
  console.log(demoAccountsTable());
  await closeDb();
}
