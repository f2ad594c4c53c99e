// Pure screening rules: banned words in normalised text, price outliers (against the reference price, else by median absolute deviation), near-duplicate titles.

/** NFKC folds full-width letters and digits (ＲＥＰＬＩＣＡ → replica); lower case for English. */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** A banned word as stored: normalised, with spaces and punctuation removed (so 高 仿 and 高仿 are one word). */
export function normaliseWord(word: string): string {
  return normaliseText(word).replace(/[\s\p{P}\p{S}]+/gu, '');
}

const HAN = /\p{Script=Han}/u;

export function wordLang(word: string): 'zh' | 'en' {
  return HAN.test(word) ? 'zh' : 'en';
}

/** The banned words a flag found, as a reader of `locale` lists them. */
export function wordList(words: readonly string[], locale: 'zh-CN' | 'en'): string {
  return words.join(locale === 'en' ? ', ' : '、');
}

/**
 * The banned words found in `text`. Chinese has no word boundaries, so a word with Han characters is
 * a substring of the text with spaces and punctuation removed (高-仿 and 高 仿 still match); an English
 * word must stand as a whole word, so "fake" does not flag "fakel" yet "FAKE" and "ｆａｋｅ" do.
 */
export function findBannedWords(text: string, words: readonly string[]): string[] {
  const folded = normaliseText(text);
  const squeezed = normaliseWord(text);
  const found: string[] = [];
  for (const raw of words) {
    const word = normaliseWord(raw);
    if (!word) continue;
    if (HAN.test(word)) {
      if (squeezed.includes(word)) found.push(word);
    } else {
      const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      if (new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'u').test(folded)) found.push(word);
    }
  }
  return found;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Fewer recent prices than this and the category has no price level to compare with. */
export const MIN_PRICE_SAMPLE = 5;
/**
 * A floor under the MAD, as a share of the median: when most lots sit at one price the MAD is zero and
 * any other price would be "infinitely" far; a 2 % spread is what a real market never goes below.
 */
export const MAD_FLOOR_SHARE = 0.02;

export type PriceVerdict =
  | { outlier: false; reason: 'too-few' | 'within'; sample: number }
  | { outlier: true; medianFen: number; madFen: number; distanceMads: number; sample: number };

/**
 * Is `priceFen` more than `thresholdMads` median absolute deviations from the median of `recentFen`?
 * Median and MAD are robust: a few absurd prices in the window do not move the yardstick they are measured by.
 */
export function priceOutlier(
  priceFen: number,
  recentFen: readonly number[],
  thresholdMads: number,
): PriceVerdict {
  const sample = recentFen.length;
  if (sample < MIN_PRICE_SAMPLE) return { outlier: false, reason: 'too-few', sample };
  const med = median(recentFen);
  const mad = Math.max(median(recentFen.map((p) => Math.abs(p - med))), med * MAD_FLOOR_SHARE, 1);
  const distanceMads = Math.abs(priceFen - med) / mad;
  if (distanceMads <= thresholdMads) return { outlier: false, reason: 'within', sample };
  return {
    outlier: true,
    medianFen: Math.round(med),
    madFen: Math.round(mad),
    distanceMads: Math.round(distanceMads * 10) / 10,
    sample,
  };
}

export type ReferenceVerdict =
  | { outlier: false; deviationPct: number }
  | { outlier: true; referenceFen: number; deviationPct: number };

/**
 * Is `priceFen` more than `bandPct` percent above or below the reference price from real trades (both per kg)?
 * The comparison is exact in integers; the deviation is rounded to a whole percent for people to read.
 */
export function referenceOutlier(priceFen: number, referenceFen: number, bandPct: number): ReferenceVerdict {
  const deviationPct = Math.round(((priceFen - referenceFen) * 100) / referenceFen);
  if (Math.abs(priceFen - referenceFen) * 100 <= bandPct * referenceFen)
    return { outlier: false, deviationPct };
  return { outlier: true, referenceFen, deviationPct };
}

/** Character bigrams of a title, ignoring case, width, spaces and punctuation (works for Chinese and English). */
export function bigrams(text: string): Set<string> {
  const s = normaliseWord(text);
  const out = new Set<string>();
  if (s.length === 1) out.add(s);
  for (let i = 0; i + 1 < s.length; i++) out.add(s.slice(i, i + 2));
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Titles this similar (bigram Jaccard), in the same category with the same spec, are the same lot listed twice. */
export const DUPLICATE_SIMILARITY = 0.8;

/** Spec objects compared by value, whatever the key order. */
export function sameSpec(a: unknown, b: unknown): boolean {
  const canon = (v: unknown): string =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? JSON.stringify(
          Object.keys(v as object)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : JSON.stringify(v ?? null);
  return canon(a) === canon(b);
}

export type LotForDuplicates = { id: string; title: string; categoryId: string; spec: unknown };

/** The other lot `lot` most looks like a copy of, or null. */
export function findNearDuplicate(
  lot: LotForDuplicates,
  others: readonly LotForDuplicates[],
): { id: string; similarity: number } | null {
  const mine = bigrams(lot.title);
  let best: { id: string; similarity: number } | null = null;
  for (const other of others) {
    if (other.id === lot.id || other.categoryId !== lot.categoryId || !sameSpec(other.spec, lot.spec))
      continue;
    const similarity = jaccard(mine, bigrams(other.title));
    if (similarity >= DUPLICATE_SIMILARITY && (!best || similarity > best.similarity))
      best = { id: other.id, similarity: Math.round(similarity * 100) / 100 };
  }
  return best;
}
