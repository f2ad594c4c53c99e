// The notes the system writes as listing reasons read in either language; a person's words pass through as typed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { translator } from '../../app/lib/i18n';
import { reasonText } from '../../app/listings/system-reasons';
import { SANCTION_PAUSE_REASON } from '../../app/trust/sanctions.server';

describe('reasonText', () => {
  it('reads every note the listing and sanction code writes in Chinese and in English', () => {
    const written = [
      'edited',
      'stock reserved',
      'stock released',
      'shelf life ended',
      SANCTION_PAUSE_REASON,
      'sanction lifted',
    ];
    // The notes as the code writes them, so a new or renamed one without a translation fails here.
    const source = ['app/listings/listings.server.ts', 'app/trust/sanctions.server.ts']
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    for (const note of written) expect(source, note).toContain(`'${note}'`);
    const zh = translator('zh-CN');
    const en = translator('en');
    for (const note of written) {
      expect(reasonText(note, zh), note).toMatch(/\p{Script=Han}/u);
      expect(reasonText(note, en), note).not.toBe(note);
      expect(reasonText(note, en), note).not.toMatch(/^sell\./);
    }
  });

  it('shows an operator’s or screening’s own words as they are', () => {
    const zh = translator('zh-CN');
    expect(reasonText('标题含有“高仿”，请修改后重新提交', zh)).toBe('标题含有“高仿”，请修改后重新提交');
    expect(reasonText('Edited', zh)).toBe('Edited');
  });
});
