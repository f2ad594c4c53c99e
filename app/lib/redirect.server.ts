// Redirect targets taken from input (a form's next= or redirectTo): only paths of this site, else a fallback.
import { hasControlCharacter } from './control-chars';

/** A made-up origin to resolve against: a target that keeps it is a path of this site. */
const HOME = 'http://wharf.invalid';
/** Control characters and backslashes: browsers drop or rewrite these, which is how `/\t/evil` becomes `//evil`. */
const unsafe = (text: string) => text.includes('\\') || hasControlCharacter(text);

/**
 * The same-origin path `to` names, or `fallback`. Refused: anything not starting with one `/`, control
 * characters or backslashes (raw or percent-encoded), `//` (a scheme-relative URL), and whatever a URL
 * parser resolves to another origin.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/'): string {
  if (typeof to !== 'string' || to.length === 0 || to.length > 2048) return fallback;
  if (!to.startsWith('/') || to.startsWith('//') || unsafe(to)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(to);
  } catch {
    return fallback;
  }
  if (decoded.startsWith('//') || unsafe(decoded)) return fallback;
  let url: URL;
  try {
    url = new URL(to, HOME);
  } catch {
    return fallback;
  }
  if (url.origin !== HOME) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
