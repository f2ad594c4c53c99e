// Responses a loader or action throws for a missing or refused thing; the root error boundary shows them inside the shell.
import { json } from '@remix-run/node';
import type { MessageKey } from './i18n';

type Said = { messageKey?: MessageKey; params?: Record<string, string> };

function refusal(status: 403 | 404, { messageKey, params }: Said): Response {
  // The body says why in the reader's words (a message key the error page translates), never in English text.
  return json(
    {
      messageKey: messageKey ?? (status === 404 ? 'errors.notFound' : 'errors.forbidden'),
      params: params ?? {},
    },
    { status, headers: { 'Cache-Control': 'no-store' } },
  );
}

/** 404: the thing does not exist, or the caller may not know that it does. `throw notFound()`. */
export function notFound(messageKey?: MessageKey, params?: Record<string, string>): Response {
  return refusal(404, { messageKey, params });
}

/** 403: the caller is known but may not do this. `throw forbidden()`. */
export function forbidden(messageKey?: MessageKey, params?: Record<string, string>): Response {
  return refusal(403, { messageKey, params });
}
