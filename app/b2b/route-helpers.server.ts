// How the price-list routes answer a refused step: the PriceListError's message on its field, with its status.
import { formError } from '../lib/forms.server';
import { PriceListError } from './price-lists.server';

/** Runs a step; a PriceListError becomes the form's answer (values refilled), anything else is thrown on. */
export async function priceListStep<T>(
  values: Record<string, string>,
  step: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; response: ReturnType<typeof formError> }> {
  try {
    return { ok: true, value: await step() };
  } catch (error) {
    if (error instanceof PriceListError)
      return { ok: false, response: formError({ [error.field]: error.messageKey }, values, error.status) };
    throw error;
  }
}
