// Trade fairs (issue #19): what the pages read — the fair list, the fair home's directory and hall map, booth
// pages, the exhibitor's desk, the visitor's own page, and the after-fair report (per exhibitor and totals).
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import QRCode from 'qrcode';
import type { DbOrTx } from '../../db/client';
import { type Fair, fairApplications, fairBooths, fairs, organisations } from '../../db/schema';
import { env } from '../lib/env.server';
import { fairWindow, rangeBounds } from './fairs.server';

export async function listFairs(tx: DbOrTx) {
  return tx.select().from(fairs).orderBy(desc(fairs.startsOn), asc(fairs.id)).limit(200);
}

export async function fairById(tx: DbOrTx, fairId: string): Promise<Fair | null> {
  const [fair] = await tx.select().from(fairs).where(eq(fairs.id, fairId));
  return fair ?? null;
}

/** The fair as pages show it: names, days, hours, and whether it is on (from the caller's market clock). */
export function fairView(fair: Fair) {
  return {
    id: fair.id,
    nameZh: fair.nameZh,
    nameEn: fair.nameEn,
    startsOn: fair.startsOn,
    endsOn: fair.endsOn,
    hall: fair.hall,
    onlineOpens: fair.onlineOpens,
    onlineCloses: fair.onlineCloses,
    featuredCategoryIds: fair.featuredCategoryIds,
  };
}

type Raw<T> = T[];
function rows<T>(result: unknown): Raw<T> {
  return result as unknown as T[];
}

export type HallBooth = {
  id: string;
  number: string;
  zone: string;
  widthM: number;
  depthM: number;
  priceFen: number;
  row: number;
  col: number;
  exhibitor: string | null;
  exhibitorOrgId: string | null;
};

/** Every booth of the fair with who holds it: the hall map and the operator's booth list. */
export async function hallBooths(tx: DbOrTx, fairId: string): Promise<HallBooth[]> {
  const found = await tx
    .select({
      id: fairBooths.id,
      number: fairBooths.number,
      zone: fairBooths.zone,
      widthM: fairBooths.widthM,
      depthM: fairBooths.depthM,
      priceFen: fairBooths.priceFen,
      row: fairBooths.gridRow,
      col: fairBooths.gridCol,
      exhibitor: organisations.name,
      exhibitorOrgId: organisations.id,
    })
    .from(fairBooths)
    .leftJoin(
      fairApplications,
      and(eq(fairApplications.boothId, fairBooths.id), eq(fairApplications.status, 'allocated')),
    )
    .leftJoin(organisations, eq(organisations.id, fairApplications.orgId))
    .where(eq(fairBooths.fairId, fairId))
    .orderBy(asc(fairBooths.gridRow), asc(fairBooths.gridCol));
  return found;
}

export const DIRECTORY_SORTS = ['booth', 'exhibitor', 'lots'] as const;
export type DirectorySort = (typeof DIRECTORY_SORTS)[number];
export type DirectoryFilter = {
  q: string;
  zone: string;
  category: string;
  sort: DirectorySort;
  dir: 'asc' | 'desc';
};

/** The directory's order from the address: a known column and direction, else by booth number. */
export function directoryOrder(
  sort: string | null,
  dir: string | null,
): Pick<DirectoryFilter, 'sort' | 'dir'> {
  return {
    sort: (DIRECTORY_SORTS as readonly string[]).includes(sort ?? '') ? (sort as DirectorySort) : 'booth',
    dir: dir === 'desc' ? 'desc' : 'asc',
  };
}

const DIRECTORY_COLUMNS: Record<DirectorySort, string> = {
  booth: 'b.number',
  exhibitor: 'o.name',
  lots: 'lots',
};

/**
 * The exhibitor directory: allocated booths, searched in the exhibitor's name, its booth number and its live
 * lots' titles (Chinese or English, substring: "对虾" finds 南美白对虾), filtered by zone and by a category
 * of its live lots; sorted by booth number, exhibitor name or number of live lots.
 */
export async function directory(tx: DbOrTx, fairId: string, filter: DirectoryFilter) {
  const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return rows<{
    org_id: string;
    name: string;
    number: string;
    zone: string;
    lots: number;
    categories: string[] | null;
  }>(
    await tx.execute(sql`
      select o.id as org_id, o.name, b.number, b.zone,
             (select count(*)::int from listings l where l.seller_org_id = o.id and l.status = 'live') as lots,
             (select array_agg(distinct l.category_id) from listings l where l.seller_org_id = o.id and l.status = 'live') as categories
      from fair_applications a
      join fair_booths b on b.id = a.booth_id
      join organisations o on o.id = a.org_id
      where a.fair_id = ${fairId} and a.status = 'allocated'
        and (${filter.zone} = '' or b.zone = ${filter.zone})
        and (${filter.category} = '' or exists (
          select 1 from listings l where l.seller_org_id = o.id and l.status = 'live' and l.category_id = ${filter.category}))
        and (${filter.q} = '' or o.name ilike ${like} or b.number ilike ${like} or exists (
          select 1 from listings l where l.seller_org_id = o.id and l.status = 'live'
            and (l.title_zh ilike ${like} or l.title_en ilike ${like})))
      order by ${sql.raw(`${DIRECTORY_COLUMNS[filter.sort]} ${filter.dir === 'desc' ? 'desc' : 'asc'}`)}, b.number
      limit 500`),
  ).map((r) => ({
    orgId: r.org_id,
    name: r.name,
    number: r.number,
    zone: r.zone,
    lots: r.lots,
    categories: r.categories ?? [],
  }));
}

export type FairAuction = {
  id: string;
  listingId: string;
  title: string;
  type: string;
  startsAt: string;
  endsAt: string | null;
  startPriceFen: number;
  currency: string;
  exhibitor: string;
  number: string;
};

/** The exhibitors' open auctions that start during the fair: its programme (and, started, the live strip). */
export async function fairAuctions(tx: DbOrTx, fair: Fair, orgId?: string): Promise<FairAuction[]> {
  const { from, until } = fairWindow(fair);
  return rows<{
    id: string;
    listing_id: string;
    title: string;
    type: string;
    starts_at: Date | string;
    ends_at: Date | string | null;
    start_price_fen: string | number;
    currency: string;
    exhibitor: string;
    number: string;
  }>(
    await tx.execute(sql`
      select u.id, u.listing_id, coalesce(l.title_zh, l.title_en) as title, u.type, u.starts_at, u.ends_at,
             u.start_price_fen, u.currency, o.name as exhibitor, b.number
      from auctions u
      join listings l on l.id = u.listing_id
      join fair_applications a on a.org_id = u.seller_org_id and a.fair_id = ${fair.id} and a.status = 'allocated'
      join fair_booths b on b.id = a.booth_id
      join organisations o on o.id = u.seller_org_id
      where u.status = 'open' and u.starts_at < ${until.toISOString()}::timestamptz
        and coalesce(u.ends_at, 'infinity') > ${from.toISOString()}::timestamptz
        and (${orgId ?? ''} = '' or u.seller_org_id = ${orgId ?? ''})
      order by u.starts_at, u.id
      limit 200`),
  ).map((r) => ({
    id: r.id,
    listingId: r.listing_id,
    title: r.title,
    type: r.type,
    startsAt: new Date(r.starts_at).toISOString(),
    endsAt: r.ends_at ? new Date(r.ends_at).toISOString() : null,
    startPriceFen: Number(r.start_price_fen),
    currency: r.currency,
    exhibitor: r.exhibitor,
    number: r.number,
  }));
}

/** The booth and its exhibitor, by the booth's number. */
export async function boothByNumber(tx: DbOrTx, fairId: string, number: string) {
  const [row] = await tx
    .select({ booth: fairBooths, orgId: fairApplications.orgId, orgName: organisations.name })
    .from(fairBooths)
    .leftJoin(
      fairApplications,
      and(eq(fairApplications.boothId, fairBooths.id), eq(fairApplications.status, 'allocated')),
    )
    .leftJoin(organisations, eq(organisations.id, fairApplications.orgId))
    .where(and(eq(fairBooths.fairId, fairId), eq(fairBooths.number, number.toUpperCase())));
  return row ?? null;
}

/** An exhibitor's live lots, each with its lowest list price and its fair price (if it set one). */
export async function exhibitorLots(tx: DbOrTx, fairId: string, orgId: string) {
  return rows<{
    id: string;
    title_zh: string | null;
    title_en: string | null;
    sale_mode: string;
    currency: string;
    list_price_fen: string | number | null;
    fair_price_fen: string | number | null;
    category_id: string;
  }>(
    await tx.execute(sql`
      select l.id, l.title_zh, l.title_en, l.sale_mode, l.currency, l.category_id,
             (select min(t.unit_price_fen) from price_tiers t where t.listing_id = l.id) as list_price_fen,
             p.price_fen as fair_price_fen
      from listings l
      left join fair_prices p on p.listing_id = l.id and p.fair_id = ${fairId}
      where l.seller_org_id = ${orgId} and l.status = 'live'
      order by l.published_at desc nulls last, l.id
      limit 100`),
  ).map((r) => ({
    id: r.id,
    titleZh: r.title_zh,
    titleEn: r.title_en,
    saleMode: r.sale_mode,
    currency: r.currency,
    categoryId: r.category_id,
    listPriceFen: r.list_price_fen === null ? null : Number(r.list_price_fen),
    fairPriceFen: r.fair_price_fen === null ? null : Number(r.fair_price_fen),
  }));
}

export type SlotView = { id: string; from: string; until: string; mode: string; booked: boolean };

/** An exhibitor's slots at the fair, in time order, each saying whether it is booked. */
export async function slotsOf(tx: DbOrTx, fairId: string, orgId: string): Promise<SlotView[]> {
  return rows<{ id: string; during: string; mode: string; booked: boolean }>(
    await tx.execute(sql`
      select s.id, s.during::text as during, s.mode,
             exists (select 1 from fair_appointments a where a.slot_id = s.id and a.status = 'booked') as booked
      from fair_slots s where s.fair_id = ${fairId} and s.org_id = ${orgId}
      order by lower(s.during)
      limit 300`),
  ).map((r) => {
    const { from, until } = rangeBounds(r.during);
    return { id: r.id, from: from.toISOString(), until: until.toISOString(), mode: r.mode, booked: r.booked };
  });
}

export type AppointmentView = {
  id: string;
  from: string;
  until: string;
  mode: string;
  status: string;
  exhibitor: string;
  exhibitorOrgId: string;
  visitor: string;
  visitorOrgId: string;
  number: string | null;
};

/** Appointments at the fair where the org is one side (exhibitor or buyer). */
export async function appointmentsOf(tx: DbOrTx, fairId: string, orgId: string): Promise<AppointmentView[]> {
  return rows<{
    id: string;
    during: string;
    mode: string;
    status: string;
    exhibitor: string;
    exhibitor_org_id: string;
    visitor: string;
    visitor_org_id: string;
    number: string | null;
  }>(
    await tx.execute(sql`
      select a.id, a.during::text as during, a.mode, a.status, e.name as exhibitor, e.id as exhibitor_org_id,
             v.name as visitor, v.id as visitor_org_id, b.number
      from fair_appointments a
      join organisations e on e.id = a.exhibitor_org_id
      join organisations v on v.id = a.buyer_org_id
      left join fair_applications p on p.fair_id = a.fair_id and p.org_id = a.exhibitor_org_id and p.status = 'allocated'
      left join fair_booths b on b.id = p.booth_id
      where a.fair_id = ${fairId} and (a.exhibitor_org_id = ${orgId} or a.buyer_org_id = ${orgId})
      order by lower(a.during), a.id
      limit 300`),
  ).map((r) => {
    const { from, until } = rangeBounds(r.during);
    return {
      id: r.id,
      from: from.toISOString(),
      until: until.toISOString(),
      mode: r.mode,
      status: r.status,
      exhibitor: r.exhibitor,
      exhibitorOrgId: r.exhibitor_org_id,
      visitor: r.visitor,
      visitorOrgId: r.visitor_org_id,
      number: r.number,
    };
  });
}

/** The leads an exhibitor captured at the fair. */
export async function leadsOf(tx: DbOrTx, fairId: string, orgId: string) {
  return rows<{ id: string; visitor: string; created_at: Date | string }>(
    await tx.execute(sql`
      select f.id, o.name as visitor, f.created_at from fair_leads f join organisations o on o.id = f.visitor_org_id
      where f.fair_id = ${fairId} and f.exhibitor_org_id = ${orgId} order by f.created_at desc limit 500`),
  ).map((r) => ({ id: r.id, visitor: r.visitor, at: new Date(r.created_at).toISOString() }));
}

export type ExhibitorReport = {
  orgId: string;
  name: string;
  number: string;
  zone: string;
  visits: number;
  leads: number;
  appointments: number;
  orders: number;
  volumeFen: number;
};

/**
 * After the fair, per exhibitor: booth page visits, leads, booked appointments, and the orders (not cancelled)
 * it sold while the fair was on, with their value. `orgId` narrows it to one exhibitor.
 */
export async function fairReport(tx: DbOrTx, fair: Fair, orgId?: string): Promise<ExhibitorReport[]> {
  const { from, until } = fairWindow(fair);
  return rows<{
    org_id: string;
    name: string;
    number: string;
    zone: string;
    visits: number;
    leads: number;
    appointments: number;
    orders: number;
    volume: string | number;
  }>(
    await tx.execute(sql`
      select o.id as org_id, o.name, b.number, b.zone,
        (select count(*)::int from fair_visits v where v.booth_id = b.id) as visits,
        (select count(*)::int from fair_leads l where l.fair_id = a.fair_id and l.exhibitor_org_id = o.id) as leads,
        (select count(*)::int from fair_appointments p where p.fair_id = a.fair_id and p.exhibitor_org_id = o.id and p.status = 'booked') as appointments,
        (select count(*)::int from orders r where r.seller_org_id = o.id and r.status <> 'cancelled'
           and r.created_at >= ${from.toISOString()}::timestamptz and r.created_at < ${until.toISOString()}::timestamptz) as orders,
        (select coalesce(sum(r.subtotal_fen), 0) from orders r where r.seller_org_id = o.id and r.status <> 'cancelled'
           and r.created_at >= ${from.toISOString()}::timestamptz and r.created_at < ${until.toISOString()}::timestamptz) as volume
      from fair_applications a
      join fair_booths b on b.id = a.booth_id
      join organisations o on o.id = a.org_id
      where a.fair_id = ${fair.id} and a.status = 'allocated' and (${orgId ?? ''} = '' or o.id = ${orgId ?? ''})
      order by b.number`),
  ).map((r) => ({
    orgId: r.org_id,
    name: r.name,
    number: r.number,
    zone: r.zone,
    visits: r.visits,
    leads: r.leads,
    appointments: r.appointments,
    orders: r.orders,
    volumeFen: Number(r.volume),
  }));
}

/** The applications to a fair, newest first, with the org's name and the booth it got. */
export async function applicationsOf(tx: DbOrTx, fairId: string) {
  return rows<{
    id: string;
    org_id: string;
    name: string;
    wanted_zone: string | null;
    pitch: string;
    status: string;
    number: string | null;
  }>(
    await tx.execute(sql`
      select a.id, a.org_id, o.name, a.wanted_zone, a.pitch, a.status, b.number
      from fair_applications a join organisations o on o.id = a.org_id left join fair_booths b on b.id = a.booth_id
      where a.fair_id = ${fairId} order by a.created_at desc limit 500`),
  ).map((r) => ({
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    wantedZone: r.wanted_zone,
    pitch: r.pitch,
    status: r.status,
    number: r.number,
  }));
}

/** The org's latest application to the fair, if any. */
export async function applicationOf(tx: DbOrTx, fairId: string, orgId: string) {
  const [row] = await tx
    .select({ status: fairApplications.status, boothId: fairApplications.boothId })
    .from(fairApplications)
    .where(and(eq(fairApplications.fairId, fairId), eq(fairApplications.orgId, orgId)))
    .orderBy(desc(fairApplications.createdAt))
    .limit(1);
  return row ?? null;
}

/** The absolute address of a path on this site (what a printed QR code must hold): APP_ORIGIN, else the request's. */
export function absoluteUrl(request: Request, path: string): string {
  return new URL(path, env().APP_ORIGIN ?? new URL(request.url).origin).toString();
}

/** A QR code of a URL, as an SVG string (rendered on the server; no script needed to show it). */
export async function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** CSV of the report rows (quoted, with a header), for the exhibitor's and the operator's downloads. */
export const REPORT_SORTS = [
  'booth',
  'exhibitor',
  'visits',
  'leads',
  'appointments',
  'orders',
  'volume',
] as const;
export type ReportSort = (typeof REPORT_SORTS)[number];

const REPORT_KEYS: Record<ReportSort, (r: ExhibitorReport) => string | number> = {
  booth: (r) => r.number,
  exhibitor: (r) => r.name,
  visits: (r) => r.visits,
  leads: (r) => r.leads,
  appointments: (r) => r.appointments,
  orders: (r) => r.orders,
  volume: (r) => r.volumeFen,
};

/** The report in the order the address asks (a known column, either way), ties by booth number. */
export function sortedReport(report: ExhibitorReport[], sort: string | null, dir: string | null) {
  const key: ReportSort = (REPORT_SORTS as readonly string[]).includes(sort ?? '')
    ? (sort as ReportSort)
    : 'booth';
  const order: 'asc' | 'desc' = dir === 'desc' ? 'desc' : 'asc';
  const value = REPORT_KEYS[key];
  const sign = order === 'asc' ? 1 : -1;
  const rows = [...report].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const c =
      typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-CN');
    return c !== 0 ? sign * c : a.number.localeCompare(b.number);
  });
  return { rows, sort: key, dir: order };
}

export function reportCsv(report: ExhibitorReport[], header: string[]): string {
  const cell = (value: string | number) => {
    const text = String(value);
    // A leading = + - @ would be a formula in a spreadsheet.
    const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
    return `"${safe.replaceAll('"', '""')}"`;
  };
  const lines = [header.map(cell).join(',')];
  for (const r of report)
    lines.push(
      [r.number, r.zone, r.name, r.visits, r.leads, r.appointments, r.orders, (r.volumeFen / 100).toFixed(2)]
        .map(cell)
        .join(','),
    );
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
