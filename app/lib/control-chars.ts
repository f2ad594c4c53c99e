// Control characters in input: PostgreSQL refuses NUL in text, and browsers drop tabs and newlines from URLs.

/**
 * Whether the text holds a C0 control character or DEL. With `allowLineBreaks`, tab, line feed and
 * carriage return pass (a textarea sends them).
 */
export function hasControlCharacter(text: string, options: { allowLineBreaks?: boolean } = {}): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x7f) return true;
    if (code >= 0x20) continue;
    if (options.allowLineBreaks && (code === 0x09 || code === 0x0a || code === 0x0d)) continue;
    return true;
  }
  return false;
}
