// How the order-farming routes answer a refused step: the FarmingError's message on its field, with its status.
import { refusableStep } from '../lib/refusable-step.server';
import { FarmingError } from './plans.server';

/** Runs a step; a FarmingError becomes the form's answer (values refilled), anything else is thrown on. */
export const stepOrRefuse = refusableStep(FarmingError);
