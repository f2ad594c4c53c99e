// No page says a feature is coming (issue 13): no "coming soon" text in the app or its dictionaries.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { en, zhCN } from '../../app/lib/i18n/messages';

const appDir = path.join(import.meta.dirname, '../../app');
const PLACEHOLDER = /即将开放|敬请期待|即将上线|coming soon|not available online yet/i;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe('no coming-soon placeholders', () => {
  it('no source file or dictionary module says a feature is coming', () => {
    const found = sources(appDir).filter((file) => PLACEHOLDER.test(readFileSync(file, 'utf8')));
    expect(found.map((file) => path.relative(appDir, file))).toEqual([]);
  });

  it('no message in either language says so', () => {
    const said = [...Object.entries(zhCN), ...Object.entries(en)].filter(([, text]) =>
      PLACEHOLDER.test(String(text)),
    );
    expect(said).toEqual([]);
  });
});
