// The operator's approve / reject form (reviews, verifications): one schema, one parse, one way to refuse it.
import { type TypedResponse, json } from '@remix-run/node';
import { z } from 'zod';
import { type FieldErrors, formValues } from '../lib/forms.server';
import { TrustError } from './moderation.server';

type Intents = readonly [string, ...string[]];

/**
 * Which page's form: the field naming the subject, and the buttons' intents. A plain literal in the route,
 * so the browser build can drop it with this server-only module.
 */
export type DecisionFormSpec<Id extends string, I extends Intents> = { idField: Id; intents: I };

/** A refused decision's answer: the id it was about (so the page marks that card), message keys, what was typed. */
export type DecisionReply<Id extends string> = { [K in Id]: string | null } & {
  errors: FieldErrors;
  values: Record<string, string>;
};

export type ParsedDecision<Id extends string, I extends Intents> = {
  ok: true;
  idField: Id;
  decision: { id: string; intent: I[number]; reason?: string };
  values: Record<string, string>;
};

/**
 * The form's fields: the subject's id, the button's intent, the reason. Whether a reason is required is
 * the decision's own rule (decideListing, decideApplication), so it holds for every caller; its refusal
 * comes back through `refusedDecision`.
 */
export function decisionSchema<Id extends string, I extends Intents>({
  idField,
  intents,
}: DecisionFormSpec<Id, I>) {
  return z.object({
    ...({ [idField]: z.string().min(3).max(64) } as { [K in Id]: z.ZodString }),
    intent: z.enum(intents as unknown as [I[number], ...I[number][]]),
    reason: z.string().max(1000, 'errors.tooLong').optional(),
  });
}

function reply<Id extends string>(
  idField: Id,
  id: string | null,
  errors: FieldErrors,
  values: Record<string, string>,
  status: number,
): TypedResponse<DecisionReply<Id>> {
  return json({ [idField]: id, errors, values } as DecisionReply<Id>, { status });
}

/** The decision the form asks for, or the 400 to answer when it is not one (nothing is decided then). */
export function parseDecision<Id extends string, const I extends Intents>(
  formData: FormData,
  form: DecisionFormSpec<Id, I>,
): ParsedDecision<Id, I> | { ok: false; response: TypedResponse<DecisionReply<Id>> } {
  const values = formValues(formData);
  const parsed = decisionSchema(form).safeParse(values);
  if (!parsed.success)
    return {
      ok: false,
      response: reply(form.idField, values[form.idField] ?? null, { reason: 'errors.invalid' }, values, 400),
    };
  const data = parsed.data as Record<string, string | undefined>;
  return {
    ok: true,
    idField: form.idField,
    decision: { id: String(data[form.idField]), intent: data.intent as I[number], reason: data.reason },
    values,
  };
}

/** The answer to a decision the domain refused (no reason, already decided, not found); other errors are rethrown. */
export function refusedDecision<Id extends string>(
  error: unknown,
  parsed: ParsedDecision<Id, Intents>,
): TypedResponse<DecisionReply<Id>> {
  if (!(error instanceof TrustError)) throw error;
  return reply(
    parsed.idField,
    parsed.decision.id,
    { [error.field]: error.messageKey },
    parsed.values,
    error.status,
  );
}
