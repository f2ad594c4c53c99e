// Search text for Chinese and English without a database extension: words, Han unigrams and bigrams as lexemes.
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
/** The longest Latin or digit word a document indexes. */
const MAX_WORD = 40;

function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Runs of Han characters, and Latin/digit words, in order; `maxLength` bounds the normalised text. */
function runs(text: string, maxLength = Number.POSITIVE_INFINITY): { han: boolean; text: string }[] {
  const out: { han: boolean; text: string }[] = [];
  for (const match of [...normalise(text)]
    .slice(0, maxLength)
    .join('')
    .matchAll(/(\p{Script=Han}+)|((?:(?!\p{Script=Han})[\p{L}\p{N}])+)/gu)) {
    if (match[1]) out.push({ han: true, text: match[1] });
    else if (match[2]) out.push({ han: false, text: match[2] });
  }
  return out;
}

function hanGrams(run: string): string[] {
  const chars = [...run];
  const grams = new Set(chars);
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i] + chars[i + 1]);
  for (const { segment, isWordLike } of segmenter.segment(run)) if (isWordLike) grams.add(segment);
  return [...grams];
}

/**
 * Lexemes for a document: Latin words as they are, and for Chinese every character, every pair of
 * neighbouring characters, and the words Intl.Segmenter finds — so any 1- or 2-character query
 * matches exactly, and longer queries match through their bigrams.
 */
export function documentLexemes(...texts: (string | null | undefined)[]): string[] {
  const lexemes = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const run of runs(text)) {
      if (run.han) for (const gram of hanGrams(run.text)) lexemes.add(gram);
      else if (run.text.length <= MAX_WORD) lexemes.add(run.text);
    }
  }
  return [...lexemes];
}

/**
 * A tsvector literal (to cast with ::tsvector) of lexemes with positions and a weight. The positions
 * are what let the weight stick: array_to_tsvector makes position-less lexemes, which lose their
 * weight and rank 0 under ts_rank_cd. Lexemes hold only letters and digits; quotes are doubled anyway.
 */
export function tsvectorText(lexemes: string[], weight: 'A' | 'B' | 'C' | 'D'): string {
  return lexemes
    .map((lexeme, i) => `'${lexeme.replace(/['\\]/g, '$&$&')}':${Math.min(i + 1, 16383)}${weight}`)
    .join(' ');
}

/**
 * A tsquery (as text, to cast with ::tsquery) for what a buyer typed: every Chinese run must match
 * all its bigrams (or its single character), every Latin word as a prefix. Null when nothing searchable.
 */
export function queryText(input: string): string | null {
  const parts: string[] = [];
  // Bounded after normalising too: NFKC makes one character (㌀) several (アパート).
  for (const run of runs(input.slice(0, 200), 200)) {
    if (run.han) {
      const chars = [...run.text];
      if (chars.length === 1) parts.push(`'${chars[0]}'`);
      for (let i = 0; i + 1 < chars.length; i++) parts.push(`'${chars[i]}${chars[i + 1]}'`);
    } else {
      // A document indexes words of at most MAX_WORD characters; a longer word asks for its prefix
      // (PostgreSQL refuses a lexeme over 2 KB, which a run of ㌀ reaches).
      parts.push(`'${[...run.text].slice(0, MAX_WORD).join('')}':*`);
    }
  }
  return parts.length ? [...new Set(parts)].join(' & ') : null;
}
