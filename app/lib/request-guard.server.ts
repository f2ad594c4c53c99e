// Addresses no page can answer: control characters or broken percent-encoding, refused before any route runs.
import type { NextFunction, Request, Response } from 'express';
import { hasControlCharacter } from './control-chars';
import { DEFAULT_LOCALE, localeFromAcceptLanguage, translator } from './i18n';

/**
 * Whether the raw request target is one to refuse: a path that does not decode or decodes to a control
 * character (`/files/x.png%00.html`), or a query value holding NUL or another control character besides
 * tab and line breaks (PostgreSQL refuses NUL in text; nothing else of ours takes them).
 */
export function badRequestTarget(target: string): boolean {
  const at = target.indexOf('?');
  const path = at === -1 ? target : target.slice(0, at);
  const query = at === -1 ? '' : target.slice(at + 1);
  let decodedPath: string;
  try {
    decodedPath = decodeURIComponent(path);
  } catch {
    return true;
  }
  if (hasControlCharacter(decodedPath)) return true;
  for (const [name, value] of new URLSearchParams(query)) {
    if (
      hasControlCharacter(name, { allowLineBreaks: true }) ||
      hasControlCharacter(value, { allowLineBreaks: true })
    )
      return true;
  }
  return false;
}

/** Express middleware: 400 with a message in the client's language for a target badRequestTarget refuses. */
export function refuseBadRequestTargets(req: Request, res: Response, next: NextFunction) {
  if (!badRequestTarget(req.originalUrl)) return next();
  const t = translator(localeFromAcceptLanguage(req.get('accept-language') ?? null) ?? DEFAULT_LOCALE);
  res.status(400).type('text/plain').send(t('errors.badAddress'));
}
