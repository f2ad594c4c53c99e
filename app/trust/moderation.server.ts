// Listing moderation: screening a listing version, the operator's review queue, and approve / reject / remove decisions.
import { and, asc, eq, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import {
  type ListingStatus,
  type ScreeningKind,
  bannedWords,
  categories,
  listingEvents,
  listings,
  organisations,
  priceTiers,
  reports,
  screeningFlags,
} from '../../db/schema';
import { appendAudit } from '../lib/audit.server';
import { type Locale, translator } from '../lib/i18n';
import { newId } from '../lib/ids';
import { enqueue } from '../lib/outbox.server';
import { formatMoney } from '../lib/money';
import { afterListingChange } from '../listings/hooks.server';
import { ListingError, moderateListing } from '../listings/listings.server';
import { lotReferencePriceFen } from '../market-data/lot-reference.server';
import { getMarketSetting } from '../market/settings.server';
import { notify } from '../notify/notify.server';
import { inEachLanguage } from '../notify/render';
import {
  findBannedWords,
  findNearDuplicate,
  normaliseWord,
  priceOutlier,
  referenceOutlier,
  wordLang,
  wordList,
} from './screening';

export class TrustError extends Error {
  constructor(
    public readonly messageKey: string,
    public readonly status = 409,
    public readonly field = 'form',
  ) {
    super(messageKey);
  }
}

export function listingTitleOf(lot: { titleZh: string | null; titleEn: string | null }): string {
  return lot.titleZh || lot.titleEn || '';
}

/** The lot's lowest-quantity tier price: what a buyer of the minimum pays, per kg (or per piece). */
async function entryPriceFen(tx: DbOrTx, listingId: string): Promise<number | null> {
  const [tier] = await tx
    .select({ price: priceTiers.unitPriceFen })
    .from(priceTiers)
    .where(eq(priceTiers.listingId, listingId))
    .orderBy(asc(priceTiers.minQuantity))
    .limit(1);
  return tier?.price ?? null;
}

type Finding = { kind: ScreeningKind; detail: Record<string, unknown> };

/** Every rule applied to the listing as it is now; pure reads, so it can run twice. */
export async function screeningFindings(tx: DbOrTx, listingId: string): Promise<Finding[]> {
  const [lot] = await tx.select().from(listings).where(eq(listings.id, listingId));
  if (!lot) return [];
  const findings: Finding[] = [];

  const words = await tx.select({ word: bannedWords.word }).from(bannedWords);
  const text = [lot.titleZh, lot.titleEn, lot.descriptionZh, lot.descriptionEn, lot.originName]
    .filter(Boolean)
    .join('\n');
  const found = findBannedWords(
    text,
    words.map((w) => w.word),
  );
  if (found.length) findings.push({ kind: 'banned_word', detail: { words: found } });

  const price = await entryPriceFen(tx, lot.id);
  // The market's reference price from real trades of the category and grade comes first (ADR 0038); without
  // one (a new category or grade, a lot sold by the piece), the median of recent asking prices is the yardstick.
  const reference = price === null ? null : await lotReferencePriceFen(tx, lot);
  if (price !== null && reference !== null) {
    const band = await getMarketSetting(tx, 'referenceBandPct');
    const verdict = referenceOutlier(price, reference, band);
    if (verdict.outlier)
      findings.push({
        kind: 'price_outlier',
        detail: { basis: 'reference', priceFen: price, threshold: band, ...verdict },
      });
  } else if (price !== null) {
    const [mads, days] = await Promise.all([
      getMarketSetting(tx, 'priceOutlierMads'),
      getMarketSetting(tx, 'priceWindowDays'),
    ]);
    const since = new Date(Date.now() - days * 24 * 3600 * 1000);
    // Other sellers' and this seller's lots of the category published in the window, each at its entry price.
    const recent = (await tx.execute(sql`
      select (select t.unit_price_fen from price_tiers t where t.listing_id = l.id order by t.min_quantity limit 1) as price
      from listings l
      where l.category_id = ${lot.categoryId} and l.id <> ${lot.id} and l.published_at >= ${since.toISOString()}::timestamptz
        and l.status in ('live', 'sold_out', 'expired', 'paused')`)) as unknown as { price: string | null }[];
    const verdict = priceOutlier(
      price,
      recent.filter((r) => r.price !== null).map((r) => Number(r.price)),
      mads,
    );
    if (verdict.outlier)
      findings.push({
        kind: 'price_outlier',
        detail: { priceFen: price, threshold: mads, ...verdict },
      });
  }

  const siblings = await tx
    .select({
      id: listings.id,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      categoryId: listings.categoryId,
      spec: listings.spec,
    })
    .from(listings)
    .where(
      and(
        eq(listings.sellerOrgId, lot.sellerOrgId),
        ne(listings.id, lot.id),
        inArray(listings.status, ['live', 'pending_review']),
        // A lot split or repacked from another is the same goods by design, not a duplicate listing (ADR 0046).
        sql`not (${listings.splitFrom} is not distinct from ${lot.id}
          or ${listings.id} is not distinct from ${lot.splitFrom}
          or (${lot.splitFrom}::text is not null and ${listings.splitFrom} is not distinct from ${lot.splitFrom}))`,
      ),
    );
  const duplicate = findNearDuplicate(
    { id: lot.id, title: listingTitleOf(lot), categoryId: lot.categoryId, spec: lot.spec },
    siblings.map((s) => ({ id: s.id, title: listingTitleOf(s), categoryId: s.categoryId, spec: s.spec })),
  );
  if (duplicate)
    findings.push({
      kind: 'duplicate',
      detail: { duplicateOf: duplicate.id, similarity: duplicate.similarity },
    });
  return findings;
}

/** One flag in words: in the market's first language when stored as the status reason, else the reader's. */
export function describeFlag(kind: ScreeningKind, detail: Record<string, unknown>, locale: Locale = 'zh-CN') {
  const t = translator(locale);
  if (kind === 'banned_word')
    return t('trust.flag.banned_word', { words: wordList((detail.words as string[]) ?? [], locale) });
  if (kind === 'price_outlier' && detail.basis === 'reference') {
    const deviation = Number(detail.deviationPct ?? 0);
    return t(deviation > 0 ? 'trust.flag.price_above_reference' : 'trust.flag.price_below_reference', {
      price: formatMoney(Number(detail.priceFen ?? 0), 'CNY', locale),
      reference: formatMoney(Number(detail.referenceFen ?? 0), 'CNY', locale),
      pct: Math.abs(deviation),
      band: Number(detail.threshold ?? 0),
    });
  }
  if (kind === 'price_outlier')
    return t('trust.flag.price_outlier', {
      price: formatMoney(Number(detail.priceFen ?? 0), 'CNY', locale),
      median: formatMoney(Number(detail.medianFen ?? 0), 'CNY', locale),
      mads: String(detail.distanceMads ?? ''),
    });
  return t('trust.flag.duplicate', { id: String(detail.duplicateOf ?? '') });
}

// No flag's text holds the Chinese one (banned words are stored without punctuation), so a stored reason
// splits back into its flags.
const REASON_SEPARATOR: Record<Locale, string> = { 'zh-CN': '；', en: '; ' };

/** Flags as one status reason: how a screening run stores them (in Chinese), and how a reader sees them. */
function screeningReason(flags: Finding[], locale: Locale = 'zh-CN'): string {
  return flags.map((f) => describeFlag(f.kind, f.detail, locale)).join(REASON_SEPARATOR[locale]);
}

/** The flags a stored reason is screening's text of, or null when it is anything else (a person's words). */
function flagsNamedBy(reason: string, flags: Finding[]): Finding[] | null {
  const named = reason
    .split(REASON_SEPARATOR['zh-CN'])
    .map((part) => flags.find((f) => describeFlag(f.kind, f.detail) === part));
  return named.every((f) => f !== undefined) ? named : null;
}

/**
 * Each lot's status reason as a reader in `locale` should see it. Screening stores its reason in Chinese;
 * when the stored reason is exactly that text for open flags of the lot's current version, the reader gets
 * those flags in their language. Anything else (an operator's own words, a system note, a reason whose
 * flags were superseded) is shown as stored, which is also what the history and the audit keep.
 */
export async function statusReasons(
  tx: DbOrTx,
  listingIds: string[],
  locale: Locale,
): Promise<Map<string, string | null>> {
  const reasons = new Map<string, string | null>();
  if (listingIds.length === 0) return reasons;
  const [lots, flags] = await Promise.all([
    tx
      .select({ id: listings.id, version: listings.version, statusReason: listings.statusReason })
      .from(listings)
      .where(inArray(listings.id, listingIds)),
    tx
      .select({
        listingId: screeningFlags.listingId,
        version: screeningFlags.listingVersion,
        kind: screeningFlags.kind,
        detail: screeningFlags.detail,
      })
      .from(screeningFlags)
      .where(and(inArray(screeningFlags.listingId, listingIds), isNull(screeningFlags.resolvedAt))),
  ]);
  for (const lot of lots) {
    reasons.set(lot.id, lot.statusReason);
    if (!lot.statusReason || locale === 'zh-CN') continue;
    const open = flags
      .filter((f) => f.listingId === lot.id && f.version === lot.version)
      .map((f) => ({ kind: f.kind, detail: f.detail as Record<string, unknown> }));
    const named = flagsNamedBy(lot.statusReason, open);
    if (named) reasons.set(lot.id, screeningReason(named, locale));
  }
  return reasons;
}

async function setStatus(
  tx: DbOrTx,
  lot: { id: string; status: ListingStatus },
  to: ListingStatus,
  reason: string | null,
  actorUserId: string | null,
) {
  await tx
    .update(listings)
    .set({
      status: to,
      statusReason: reason,
      publishedAt: to === 'live' ? sql`coalesce(${listings.publishedAt}, now())` : undefined,
    })
    .where(and(eq(listings.id, lot.id), eq(listings.status, lot.status)));
  await tx.insert(listingEvents).values({
    id: newId('lev'),
    listingId: lot.id,
    actorUserId,
    fromStatus: lot.status,
    toStatus: to,
    reason,
  });
  await afterListingChange(tx, { listingId: lot.id, kind: 'status', actorUserId, from: lot.status, to });
}

/**
 * Screens the listing's current version. Flags are unique per (listing, version, kind), so a re-run adds
 * nothing and an approved version stays approved. A newly flagged live lot goes back to review with the
 * reason; a verified seller's lot whose new version is clean after earlier flags goes live again.
 */
export async function screenListing(tx: DbOrTx, listingId: string) {
  const [lot] = await tx
    .select({
      id: listings.id,
      version: listings.version,
      status: listings.status,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      sellerOrgId: listings.sellerOrgId,
      statusReason: listings.statusReason,
      verification: organisations.verification,
    })
    .from(listings)
    .innerJoin(organisations, eq(organisations.id, listings.sellerOrgId))
    .where(eq(listings.id, listingId))
    .for('update', { of: listings });
  if (!lot) return { flagged: [] as ScreeningKind[], status: null };
  const superseded = await tx
    .update(screeningFlags)
    .set({ resolvedAt: new Date() })
    .where(
      and(
        eq(screeningFlags.listingId, lot.id),
        lt(screeningFlags.listingVersion, lot.version),
        isNull(screeningFlags.resolvedAt),
      ),
    )
    .returning({ kind: screeningFlags.kind, detail: screeningFlags.detail });
  const findings = await screeningFindings(tx, lot.id);
  const inserted = findings.length
    ? await tx
        .insert(screeningFlags)
        .values(
          findings.map((f) => ({ id: newId('flg'), listingId: lot.id, listingVersion: lot.version, ...f })),
        )
        .onConflictDoNothing()
        .returning({ kind: screeningFlags.kind, detail: screeningFlags.detail })
    : [];
  let status: ListingStatus = lot.status;
  const title = listingTitleOf(lot);
  // The version's open flags, not only the ones this run added: a draft flagged when it was saved and then
  // submitted keeps its version, so its screening adds nothing, yet it must not stay live. A version an
  // operator approved has its flags resolved, so it stays live. Older versions' flags were resolved above,
  // so these are all the lot's open flags.
  const open = await tx
    .select({ kind: screeningFlags.kind, detail: screeningFlags.detail })
    .from(screeningFlags)
    .where(
      and(
        eq(screeningFlags.listingId, lot.id),
        eq(screeningFlags.listingVersion, lot.version),
        isNull(screeningFlags.resolvedAt),
      ),
    );
  // The version is screened clean when no flag of it is open (none found, or an operator approved it); matching
  // considers a lot only while its screened version is its current one (ADR 0034). The row is locked, so the
  // version cannot move under this write.
  await tx
    .update(listings)
    .set({ screenedVersion: open.length ? null : lot.version })
    .where(eq(listings.id, lot.id));
  if (open.length && (inserted.length || lot.status === 'live')) {
    const flags = open.map((f) => ({ kind: f.kind, detail: f.detail as Record<string, unknown> }));
    const reason = screeningReason(flags);
    if (lot.status === 'live') {
      status = 'pending_review';
      await setStatus(tx, lot, 'pending_review', reason, null);
    } else if (lot.status === 'pending_review') {
      await tx.update(listings).set({ statusReason: reason }).where(eq(listings.id, lot.id));
    }
    if (lot.status === 'live' || lot.status === 'pending_review')
      await notify(tx, {
        type: 'listing-flagged',
        orgId: lot.sellerOrgId,
        minRole: 'trader',
        // The stored reason is Chinese; the notice reads in each recipient's language.
        params: {
          listing: title,
          reason: inEachLanguage({ 'zh-CN': reason, en: screeningReason(flags, 'en') }),
        },
        link: `/sell/${lot.id}/edit`,
        subject: { type: 'listing', id: lot.id },
        dedupeKey: `listing-flagged:${lot.id}:${lot.version}`,
      });
  } else if (superseded.length > 0 && lot.status === 'pending_review' && open.length === 0) {
    if (lot.verification === 'verified') {
      status = 'live';
      await setStatus(tx, lot, 'live', null, null);
    } else if (
      lot.statusReason &&
      flagsNamedBy(
        lot.statusReason,
        superseded.map((f) => ({ kind: f.kind, detail: f.detail as Record<string, unknown> })),
      )
    ) {
      // The fixed version still waits for an operator (the seller is unverified), but no longer for what
      // screening found in the old one.
      await tx.update(listings).set({ statusReason: null }).where(eq(listings.id, lot.id));
    }
  }
  // Matching waits for screening: a lot that is live after its screening (clean, or a version an operator
  // approved) is matched now; one taken to review had its matches withdrawn by the status change.
  if (status === 'live') await enqueue(tx, 'matching', 'listing-changed', { listingId: lot.id });
  return { flagged: inserted.map((f) => f.kind), status };
}

/** Listings waiting for a decision, oldest wait first, with why they wait and the seller's record. */
export async function reviewQueue(tx: DbOrTx, limit = 50) {
  const waitingSince = sql<Date>`(select max(e.at) from listing_events e where e.listing_id = ${listings.id} and e.to_status = 'pending_review')`;
  const rows = await tx
    .select({
      id: listings.id,
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      descriptionZh: listings.descriptionZh,
      categoryId: listings.categoryId,
      categoryZh: categories.nameZh,
      categoryEn: categories.nameEn,
      baseUnit: categories.baseUnit,
      statusReason: listings.statusReason,
      version: listings.version,
      pickupPlace: listings.pickupPlace,
      sellerOrgId: listings.sellerOrgId,
      sellerName: organisations.name,
      verification: organisations.verification,
      creditScore: organisations.creditScore,
      qualityClass: organisations.qualityClass,
      waitingSince,
    })
    .from(listings)
    .innerJoin(organisations, eq(organisations.id, listings.sellerOrgId))
    .innerJoin(categories, eq(categories.id, listings.categoryId))
    .where(eq(listings.status, 'pending_review'))
    .orderBy(sql`${waitingSince} asc nulls first`, asc(listings.id))
    .limit(limit);
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const sellers = [...new Set(rows.map((r) => r.sellerOrgId))];
  const [flags, tiers, history, openReports] = await Promise.all([
    tx
      .select()
      .from(screeningFlags)
      .where(and(inArray(screeningFlags.listingId, ids), isNull(screeningFlags.resolvedAt))),
    tx
      .select()
      .from(priceTiers)
      .where(inArray(priceTiers.listingId, ids))
      .orderBy(asc(priceTiers.minQuantity)),
    tx.execute(sql`
      select l.seller_org_id as org,
        count(*) filter (where l.status in ('live', 'sold_out')) as live,
        count(*) filter (where l.status = 'removed') as removed,
        (select count(*) from listing_events e join listings x on x.id = e.listing_id
          where x.seller_org_id = l.seller_org_id and e.from_status = 'pending_review' and e.to_status = 'draft') as rejected
      from listings l where l.seller_org_id in ${sellers}
      group by l.seller_org_id`) as unknown as Promise<
      { org: string; live: string; removed: string; rejected: string }[]
    >,
    tx
      .select({ listingId: reports.listingId, reason: reports.reason, id: reports.id })
      .from(reports)
      .where(and(inArray(reports.listingId, ids), eq(reports.status, 'open'))),
  ]);
  return rows.map((row) => {
    const h = history.find((x) => x.org === row.sellerOrgId);
    return {
      ...row,
      waitingSince: row.waitingSince ? new Date(row.waitingSince).toISOString() : null,
      priceFen: tiers.find((t) => t.listingId === row.id)?.unitPriceFen ?? null,
      // A version edited since it was flagged waits for its own screening; the old flags no longer apply.
      flags: flags
        .filter((f) => f.listingId === row.id && f.listingVersion === row.version)
        .map((f) => ({ kind: f.kind, detail: f.detail as Record<string, unknown> })),
      reports: openReports.filter((r) => r.listingId === row.id).map((r) => ({ id: r.id, reason: r.reason })),
      history: {
        live: Number(h?.live ?? 0),
        removed: Number(h?.removed ?? 0),
        rejected: Number(h?.rejected ?? 0),
      },
    };
  });
}

export type ListingDecision = 'approve' | 'reject' | 'remove';

/**
 * An operator's decision on a listing: approve (live), reject back to the seller (draft, with the reason
 * the seller sees and fixes), or remove (for good). Reject and remove need a reason. Audited and notified.
 */
export async function decideListing(
  tx: DbOrTx,
  input: { listingId: string; operatorUserId: string; decision: ListingDecision; reason?: string | null },
) {
  const reason = input.reason?.trim() || null;
  if (input.decision !== 'approve' && !reason)
    throw new TrustError('trust.errors.reasonRequired', 400, 'reason');
  const [lot] = await tx
    .select({
      titleZh: listings.titleZh,
      titleEn: listings.titleEn,
      sellerOrgId: listings.sellerOrgId,
      version: listings.version,
    })
    .from(listings)
    .where(eq(listings.id, input.listingId));
  if (!lot) throw new TrustError('errors.notFound', 404);
  let to: ListingStatus;
  try {
    to = await moderateListing(tx, {
      listingId: input.listingId,
      actorUserId: input.operatorUserId,
      decision: input.decision,
      reason,
    });
  } catch (error) {
    if (error instanceof ListingError) throw new TrustError(error.messageKey, error.status);
    throw error;
  }
  await tx
    .update(screeningFlags)
    .set({ resolvedAt: new Date(), resolvedBy: input.operatorUserId })
    .where(and(eq(screeningFlags.listingId, input.listingId), isNull(screeningFlags.resolvedAt)));
  // An approved version counts as screened: matching may consider it (ADR 0034). moderateListing locked the row.
  if (to === 'live')
    await tx
      .update(listings)
      .set({ screenedVersion: sql`${listings.version}` })
      .where(eq(listings.id, input.listingId));
  await appendAudit(tx, {
    actorUserId: input.operatorUserId,
    orgId: lot.sellerOrgId,
    action: `listing.${input.decision}`,
    subjectType: 'listing',
    subjectId: input.listingId,
    detail: { reason, version: lot.version, to },
  });
  const title = listingTitleOf(lot);
  const type =
    input.decision === 'approve'
      ? 'listing-approved'
      : input.decision === 'reject'
        ? 'listing-rejected'
        : 'listing-removed';
  await notify(tx, {
    type,
    orgId: lot.sellerOrgId,
    minRole: 'trader',
    params: input.decision === 'approve' ? { listing: title } : { listing: title, reason: reason ?? '' },
    link: input.decision === 'remove' ? '/sell' : `/sell/${input.listingId}/edit`,
    subject: { type: 'listing', id: input.listingId },
  });
  return to;
}

/** Adds a banned word (normalised); returns false when it was there already. Audited. */
export async function addBannedWord(tx: DbOrTx, input: { word: string; operatorUserId: string }) {
  const word = normaliseWord(input.word);
  if (!word) throw new TrustError('errors.required', 400, 'word');
  if (word.length > 40) throw new TrustError('errors.tooLong', 400, 'word');
  const inserted = await tx
    .insert(bannedWords)
    .values({ id: newId('bw'), word, lang: wordLang(word), createdBy: input.operatorUserId })
    .onConflictDoNothing()
    .returning({ id: bannedWords.id });
  if (!inserted.length) return false;
  await appendAudit(tx, {
    actorUserId: input.operatorUserId,
    action: 'banned-word.added',
    subjectType: 'banned_word',
    subjectId: inserted[0].id,
    detail: { word },
  });
  return true;
}

export async function removeBannedWord(tx: DbOrTx, input: { id: string; operatorUserId: string }) {
  const [removed] = await tx.delete(bannedWords).where(eq(bannedWords.id, input.id)).returning();
  if (!removed) throw new TrustError('errors.notFound', 404);
  await appendAudit(tx, {
    actorUserId: input.operatorUserId,
    action: 'banned-word.removed',
    subjectType: 'banned_word',
    subjectId: removed.id,
    detail: { word: removed.word },
  });
}

export async function listBannedWords(tx: DbOrTx) {
  return tx.select().from(bannedWords).orderBy(asc(bannedWords.lang), asc(bannedWords.word));
}
