// The buyer's purchase-order number (采购单号) on the buy-now form: its limits, shared by the form (browser) and the
// server. No zod here: the buy box imports this, and zod must stay out of the browser bundle.
/** Letters, digits and `_ . / # -` and spaces, starting with a letter or digit, at most 40 (the database's check). */
export const PO_NUMBER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 _./#-]{0,39}$/;
export const PO_NUMBER_MAX = 40;
