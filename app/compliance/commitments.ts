// What a 承诺达标合格证 prints, shared by the server and the pages: the ticked statements and the quantity as written.

/** The promises of the national template, every one of which an issued certificate carries. */
export const COMMITMENTS = ['no_banned_substances', 'residues_within_limits', 'truthful'] as const;
/** What the promise rests on (承诺依据): at least one is ticked. */
export const BASES = ['commissioned_test', 'self_test', 'internal_control', 'self_promise'] as const;

/** A stored quantity (numeric with three decimals, "3000.000") as printed: "3000", "12.5". */
export function printedQuantity(value: string): string {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}
