// Unit and property tests for the ledger's pure parts: posting checks, the release split, transaction ids.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LedgerError,
  type LedgerLine,
  checkPosting,
  escrowReleaseSplit,
  ledgerTransactionId,
} from '../../app/ledger/ledger.server';

const codeOf = (work: () => unknown) => {
  try {
    work();
    return 'ok';
  } catch (error) {
    return error instanceof LedgerError ? error.code : 'other';
  }
};

const posting = (lines: LedgerLine[]) => ({ kind: 'adjustment' as const, idempotencyKey: 'k', lines });

describe('ledgerTransactionId', () => {
  it('is the same for the same key and differs between keys', () => {
    expect(ledgerTransactionId('order:ord_1:release')).toBe(ledgerTransactionId('order:ord_1:release'));
    expect(ledgerTransactionId('order:ord_1:release')).not.toBe(ledgerTransactionId('order:ord_1:refund'));
    expect(ledgerTransactionId('order:ord_1:release')).toMatch(/^ltx_[0-9a-f]{32}$/);
  });
});

describe('checkPosting', () => {
  it('fills in the default currency and keeps the lines as given', () => {
    expect(
      checkPosting(
        posting([
          { orgId: null, kind: 'provider_clearing', amount: -500 },
          { orgId: null, kind: 'escrow', amount: 500 },
        ]),
      ),
    ).toEqual([
      { orgId: null, kind: 'provider_clearing', currency: 'CNY', amount: -500 },
      { orgId: null, kind: 'escrow', currency: 'CNY', amount: 500 },
    ]);
  });

  it.each([
    ['one line', [{ orgId: null, kind: 'escrow', amount: 1 }], 'invalid_posting'],
    [
      'a zero amount',
      [
        { orgId: null, kind: 'escrow', amount: 0 },
        { orgId: null, kind: 'platform_fees', amount: 0 },
      ],
      'invalid_posting',
    ],
    [
      'a fractional amount',
      [
        { orgId: null, kind: 'escrow', amount: 0.5 },
        { orgId: null, kind: 'platform_fees', amount: -0.5 },
      ],
      'invalid_posting',
    ],
    [
      'an org account without an org',
      [
        { orgId: null, kind: 'available', amount: 1 },
        { orgId: null, kind: 'escrow', amount: -1 },
      ],
      'invalid_posting',
    ],
    [
      'a market account with an org',
      [
        { orgId: 'org_1', kind: 'escrow', amount: 1 },
        { orgId: 'org_1', kind: 'available', amount: -1 },
      ],
      'invalid_posting',
    ],
    [
      'a sum of one fen',
      [
        { orgId: null, kind: 'escrow', amount: 101 },
        { orgId: null, kind: 'provider_clearing', amount: -100 },
      ],
      'unbalanced',
    ],
    [
      'zero overall but not per currency',
      [
        { orgId: null, kind: 'escrow', amount: 100, currency: 'USD' },
        { orgId: null, kind: 'provider_clearing', amount: -100 },
      ],
      'unbalanced',
    ],
  ] as [string, LedgerLine[], string][])('refuses %s', (_name, lines, code) => {
    expect(codeOf(() => checkPosting(posting(lines)))).toBe(code);
  });

  it('refuses an empty idempotency key and a malformed kind', () => {
    const lines: LedgerLine[] = [
      { orgId: null, kind: 'escrow', amount: 1 },
      { orgId: null, kind: 'platform_fees', amount: -1 },
    ];
    expect(codeOf(() => checkPosting({ ...posting(lines), idempotencyKey: ' ' }))).toBe('invalid_posting');
    expect(codeOf(() => checkPosting({ ...posting(lines), kind: 'Payout!' as 'payout' }))).toBe(
      'invalid_posting',
    );
  });

  it('accepts exactly the postings whose lines sum to zero per currency, even near the safe-integer limit', () => {
    const line = fc.record({
      amount: fc.oneof(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.constant(Number.MAX_SAFE_INTEGER),
        fc.constant(-Number.MAX_SAFE_INTEGER),
      ),
      currency: fc.constantFrom('CNY' as const, 'USD' as const),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), (drafts) => {
        const nonZero = drafts.filter((d) => d.amount !== 0);
        // Close each currency with a balancing line (itself non-zero unless already balanced).
        const sums = new Map<string, bigint>();
        for (const d of nonZero) sums.set(d.currency, (sums.get(d.currency) ?? 0n) + BigInt(d.amount));
        const lines: LedgerLine[] = nonZero.map((d) => ({ orgId: null, kind: 'escrow', ...d }));
        for (const [currency, sum] of sums) {
          if (sum === 0n) continue;
          if (sum > BigInt(Number.MAX_SAFE_INTEGER) || sum < -BigInt(Number.MAX_SAFE_INTEGER)) return;
          lines.push({
            orgId: null,
            kind: 'provider_clearing',
            amount: -Number(sum),
            currency: currency as 'CNY',
          });
        }
        if (lines.length < 2) return;
        expect(codeOf(() => checkPosting(posting(lines)))).toBe('ok');
        const skewed = lines.map((l, i) =>
          i === 0 ? { ...l, amount: l.amount > 0 ? l.amount - 1 : l.amount + 1 } : l,
        );
        if (skewed[0].amount !== 0) expect(codeOf(() => checkPosting(posting(skewed)))).toBe('unbalanced');
      }),
    );
  });
});

describe('escrowReleaseSplit', () => {
  it.each([
    [1_020, 250, 26], // 25.5 fen: half-up
    [1_019, 250, 25], // 25.475 fen
    [1_000, 0, 0],
    [1_000, 10_000, 1_000],
    [1, 5_000, 1], // half a fen rounds up to the platform
    [1, 4_999, 0],
  ])('releases %i fen at %i bp with a fee of %i', (amount, feeBps, fee) => {
    expect(escrowReleaseSplit(amount, feeBps)).toEqual({ fee, toSeller: amount - fee });
  });

  it('splits without losing a fen, and rounds half-up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.integer({ min: 0, max: 10_000 }),
        (amount, feeBps) => {
          const { fee, toSeller } = escrowReleaseSplit(amount, feeBps);
          expect(fee + toSeller).toBe(amount);
          expect(toSeller).toBeGreaterThanOrEqual(0);
          // Independent oracle: floor((2·a·bps + 10⁴) / (2·10⁴)).
          expect(BigInt(fee)).toBe((2n * BigInt(amount) * BigInt(feeBps) + 10_000n) / 20_000n);
        },
      ),
    );
  });

  it('refuses a non-positive amount and a fee outside 0–100 %', () => {
    expect(codeOf(() => escrowReleaseSplit(0, 100))).toBe('invalid_posting');
    expect(codeOf(() => escrowReleaseSplit(100, -1))).toBe('invalid_posting');
    expect(codeOf(() => escrowReleaseSplit(100, 10_001))).toBe('invalid_posting');
    expect(codeOf(() => escrowReleaseSplit(100, 2.5))).toBe('invalid_posting');
  });
});
