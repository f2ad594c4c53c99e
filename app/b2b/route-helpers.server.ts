// How the price-list routes answer a refused step: the PriceListError's message on its field, with its status.
import { refusableStep } from '../lib/refusable-step.server';
import { PriceListError } from './price-lists.server';

/** Runs a step; a PriceListError becomes the form's answer (values refilled), anything else is thrown on. */
export const priceListStep = refusableStep(PriceListError);
