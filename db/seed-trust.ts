// Demo trust data for the seeded market: the banned-word list (zh and en) and an open report for the console.
// (No pending listing is seeded: the seed promises every demo lot live, and the e2e flow makes its own.)
import { and, eq } from 'drizzle-orm';
import { normaliseWord, wordLang } from '../app/trust/screening';
import type { DbOrTx } from './client';
import { bannedWords, listings, reports } from './schema';

/** Counterfeit-suspect and banned wording a wholesale market refuses, as an operator would start the list. */
export const DEMO_BANNED_WORDS = [
  '假冒',
  '仿冒',
  '高仿',
  '山寨',
  '冒牌',
  '假货',
  '三无产品',
  '原单尾货',
  '顶级复刻',
  'counterfeit',
  'replica',
  'fake',
  'knockoff',
];

export async function seedDemoTrust(tx: DbOrTx): Promise<void> {
  await tx
    .insert(bannedWords)
    .values(
      DEMO_BANNED_WORDS.map((word, i) => ({
        id: `bw_demo${String(i).padStart(2, '0')}`,
        word: normaliseWord(word),
        lang: wordLang(word),
        createdBy: 'usr_operator',
      })),
    )
    .onConflictDoNothing();
  // A restaurant buyer doubts a size claim: one open report waits on the operator's console.
  const [lot] = await tx
    .select({ id: listings.id, sellerOrgId: listings.sellerOrgId })
    .from(listings)
    .where(
      and(
        eq(listings.sellerOrgId, 'org_maowei'),
        eq(listings.titleZh, '茅尾海特大生蚝 14 厘米以上 酒楼刺身级'),
      ),
    );
  if (lot)
    await tx
      .insert(reports)
      .values({
        id: 'rpt_demo01',
        reporterUserId: 'usr_yuewei',
        subjectType: 'listing',
        listingId: lot.id,
        orgId: lot.sellerOrgId,
        reason: '上周在这家拿的“14 厘米以上”，到货量了一下一半不到 12 厘米，怀疑规格标高了，请核实。',
      })
      .onConflictDoNothing();
}
