// The buyer's purchase-order number (采购单号) on the buy-now form: shared by the form (browser) and the server.
import { z } from 'zod';

/** Letters, digits and `_ . / # -` and spaces, starting with a letter or digit, at most 40 (the database's check). */
export const PO_NUMBER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 _./#-]{0,39}$/;
export const PO_NUMBER_MAX = 40;

/** Optional: blank is none; anything else must fit the pattern (`errors.poNumber`). */
export const poNumberField = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z
    .string()
    .trim()
    .max(PO_NUMBER_MAX, 'errors.poNumber')
    .regex(PO_NUMBER_PATTERN, 'errors.poNumber')
    .optional(),
);
