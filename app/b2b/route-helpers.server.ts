// How the price-list and credit-terms routes answer a refused step: the error's message on its field, with its
// status.
import { refusableStep } from '../lib/refusable-step.server';
import { PriceListError } from './price-lists.server';
import { TermsError } from './terms.server';

/** Runs a step; a PriceListError becomes the form's answer (values refilled), anything else is thrown on. */
export const priceListStep = refusableStep(PriceListError);

/** The same for credit terms (ADR 0056): a TermsError becomes the form's answer. */
export const termsStep = refusableStep(TermsError);
