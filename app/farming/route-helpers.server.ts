// How the order-farming routes answer a refused step: the FarmingError's message on its field, with its status.
import { formError } from '../lib/forms.server';
import { FarmingError } from './plans.server';

/** Runs a step; a FarmingError becomes the form's answer (values refilled), anything else is thrown on. */
export async function stepOrRefuse<T>(
  values: Record<string, string>,
  step: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; response: ReturnType<typeof formError> }> {
  try {
    return { ok: true, value: await step() };
  } catch (error) {
    if (error instanceof FarmingError)
      return { ok: false, response: formError({ [error.field]: error.messageKey }, values, error.status) };
    throw error;
  }
}
