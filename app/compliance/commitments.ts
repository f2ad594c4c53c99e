// The ticked statements of a 承诺达标合格证, shared by the server's form parsing and the pages that draw the boxes.

/** The promises of the national template, every one of which an issued certificate carries. */
export const COMMITMENTS = ['no_banned_substances', 'residues_within_limits', 'truthful'] as const;
/** What the promise rests on (承诺依据): at least one is ticked. */
export const BASES = ['commissioned_test', 'self_test', 'internal_control', 'self_promise'] as const;
