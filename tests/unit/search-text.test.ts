// Chinese and English search lexemes: what a document indexes and what a query asks for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentLexemes, queryText } from '../../app/listings/search-text';

describe('documentLexemes', () => {
  it('indexes Han characters, neighbouring pairs and segmented words, and Latin words lower-cased', () => {
    const lexemes = documentLexemes('湛江南美白虾 40/50 Fresh Whiteleg SHRIMP');
    for (const expected of ['白虾', '白', '南美', '湛江', 'fresh', 'whiteleg', 'shrimp', '40', '50']) {
      expect(lexemes).toContain(expected);
    }
    expect(lexemes).not.toContain('Fresh');
  });

  it('folds full-width characters', () => {
    expect(documentLexemes('ＡＢＣ虾')).toContain('abc');
  });
});

describe('queryText', () => {
  it('asks for every bigram of a Chinese run and a prefix for each English word', () => {
    expect(queryText('白虾')).toBe("'白虾'");
    expect(queryText('虾')).toBe("'虾'");
    expect(queryText('南美白')).toBe("'南美' & '美白'");
    expect(queryText('fresh shrimp')).toBe("'fresh':* & 'shrimp':*");
    expect(queryText("'); drop table --")).toBe("'drop':* & 'table':*");
    expect(queryText('   !!! ')).toBeNull();
  });

  it('finds every Chinese substring of a document (recall), for any text', () => {
    const han = fc.constantFrom(...'南美白对虾生蚝罗非鱼金鲳菠萝荔枝龙眼芒果湛江徐闻鲜活冰冻'.split(''));
    fc.assert(
      fc.property(fc.array(han, { minLength: 1, maxLength: 20 }), fc.nat(), fc.nat(), (chars, a, b) => {
        const text = chars.join('');
        const start = a % chars.length;
        const end = start + 1 + (b % (chars.length - start));
        const query = queryText(chars.slice(start, end).join(''));
        const lexemes = new Set(documentLexemes(text));
        const needed = [...(query ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]);
        return needed.every((lexeme) => lexemes.has(lexeme));
      }),
    );
  });
});

describe('queryText bounds', () => {
  it('keeps every lexeme of a long or expanding query within what PostgreSQL accepts', () => {
    // One ㌀ is four characters after NFKC: 200 of them once made an 800-character word (over 2 KB).
    for (const input of ['㌀'.repeat(200), 'a'.repeat(5000), '㍿'.repeat(200), `${'ﷺ'.repeat(100)}虾`]) {
      const query = queryText(input) ?? '';
      for (const lexeme of query.matchAll(/'([^']*)'/g))
        expect(Buffer.byteLength(lexeme[1])).toBeLessThan(2047);
      expect(query.length).toBeLessThan(4000);
    }
    expect(queryText('㌀'.repeat(200))).toBe(`'${'アパート'.repeat(10)}':*`);
  });
});
