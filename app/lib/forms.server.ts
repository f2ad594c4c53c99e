// Server-side form parsing: a zod schema in, either data or a message key per field (and the values to refill).
import { json } from '@remix-run/node';
import type { z } from 'zod';

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
