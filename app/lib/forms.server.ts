// Server-side form parsing: a zod schema in, either data or a message key per field (and the values to refill).
import { json } from '@remix-run/node';
import type { z } from 'zod';
import { formatBytes, isBodyTooLarge } from './body-limit.server';
import { hasControlCharacter } from './control-chars';

export type FieldErrors = Record<string, string>;
export type FormFailure = { ok: false; errors: FieldErrors; values: Record<string, string> };
export type FormSuccess<T> = { ok: true; data: T };

/** Fields that must never be sent back to the browser, even on error. */
const SECRET_FIELDS = new Set(['password', 'currentPassword', 'newPassword']);

export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === 'string' && !SECRET_FIELDS.has(key)) values[key] = value;
  }
  return values;
}

export function parseForm<S extends z.ZodTypeAny>(
  formData: FormData,
  schema: S,
): FormSuccess<z.infer<S>> | FormFailure {
  const raw: Record<string, FormDataEntryValue> = {};
  for (const [key, value] of formData.entries()) raw[key] = value;
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message.startsWith('errors.') ? issue.message : 'errors.invalid';
  }
  return { ok: false, errors, values: formValues(formData) };
}

/** The response for a refused form: the per-field message keys and what the user typed, with a 4xx. */
export function formError(errors: FieldErrors, values: Record<string, string>, status = 400) {
  return json({ ok: false as const, errors, values }, { status });
}

/** A request refused before any of it was used: a 4xx whose message key the error page shows (app/root.tsx). */
export function refusal(messageKey: string, status = 400, params?: Record<string, string>) {
  return json({ messageKey, params }, { status });
}

/** The refusal for a body that passed its limit (app/lib/body-limit.server.ts), or null for another error. */
export function bodyRefusal(error: unknown) {
  if (!isBodyTooLarge(error)) return null;
  const limit = (error as { limit?: unknown }).limit;
  return json(
    {
      messageKey: 'errors.bodyTooLarge',
      params: { limit: typeof limit === 'number' ? formatBytes(limit) : '' },
    },
    { status: 413, headers: { Connection: 'close' } },
  );
}

/** Throws a 400 when a field name or text value holds a control character (PostgreSQL refuses NUL in text). */
export function refuseControlCharacters(entries: Iterable<[string, FormDataEntryValue]>): void {
  for (const [key, value] of entries) {
    if (
      hasControlCharacter(key) ||
      (typeof value === 'string' && hasControlCharacter(value, { allowLineBreaks: true }))
    )
      throw refusal('errors.controlCharacters');
  }
}

/**
 * The posted form, or a thrown 4xx with a message: 415 for a body that is not a form (JSON, plain text),
 * 400 for one that does not parse (a broken multipart body) or holds control characters, 413 for one
 * over its route's limit. Every action reads its form through this (or readMultipart, for files).
 */
export async function readFormData(request: Request): Promise<FormData> {
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data'))
    throw refusal('errors.formType', 415);
  let formData: FormData;
  try {
    formData = await request.formData();
  } catch (error) {
    throw bodyRefusal(error) ?? refusal('errors.badForm');
  }
  refuseControlCharacters(formData.entries());
  return formData;
}
