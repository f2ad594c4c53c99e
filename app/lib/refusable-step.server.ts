// How a route answers a step its domain refused: the error's message on its field, with its status, values refilled.
import { formError } from './forms.server';

type Refusal = Error & { field: string; messageKey: string; status: number };

/** A runner for one domain's steps: its refusal (an instance of `refused`) becomes the form's answer, anything else is thrown on. */
export function refusableStep<E extends Refusal>(refused: abstract new (...args: never[]) => E) {
  return async function runStep<T>(
    values: Record<string, string>,
    step: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; response: ReturnType<typeof formError> }> {
    try {
      return { ok: true, value: await step() };
    } catch (error) {
      if (error instanceof refused)
        return { ok: false, response: formError({ [error.field]: error.messageKey }, values, error.status) };
      throw error;
    }
  };
}
