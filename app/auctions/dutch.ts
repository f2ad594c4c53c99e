// Dutch clock rules: the price is a pure function of server time and the auction's parameters, so nothing ticks.
export type ClockParams = {
  startPriceFen: number;
  floorPriceFen: number;
  stepFen: number;
  tickMs: number;
  /** When the current run started from the start price (a sale restarts it). */
  clockStartsAt: Date;
};

export type ClockReading =
  | { phase: 'before'; priceFen: number; startsInMs: number }
  | { phase: 'running'; priceFen: number; nextTickInMs: number }
  | { phase: 'floor_passed'; priceFen: number };

/** Ticks from the start price down to the floor (the last may step onto the floor from above it). */
export function ticksToFloor(params: Omit<ClockParams, 'clockStartsAt' | 'tickMs'>): number {
  return Math.ceil((params.startPriceFen - params.floorPriceFen) / params.stepFen);
}

/** When the clock has sat on its floor for one tick unsold: the lot is withdrawn from then on. */
export function floorEndsAt(params: ClockParams): Date {
  return new Date(params.clockStartsAt.getTime() + (ticksToFloor(params) + 1) * params.tickMs);
}

/** The clock's price at `now`: the start price less one step per whole tick, never below the floor. */
export function clockAt(params: ClockParams, now: Date): ClockReading {
  const elapsed = now.getTime() - params.clockStartsAt.getTime();
  if (elapsed < 0) return { phase: 'before', priceFen: params.startPriceFen, startsInMs: -elapsed };
  if (now >= floorEndsAt(params)) return { phase: 'floor_passed', priceFen: params.floorPriceFen };
  const ticks = Math.floor(elapsed / params.tickMs);
  const priceFen = Math.max(params.floorPriceFen, params.startPriceFen - ticks * params.stepFen);
  return { phase: 'running', priceFen, nextTickInMs: params.tickMs - (elapsed % params.tickMs) };
}

export type PressRefusal = 'not_started' | 'floor_passed' | 'sold' | 'clock_restarted' | 'too_small';

/**
 * What a press for `askedBase` base units gets: the clock price and at most what remains. A press made
 * against an earlier run of the clock (someone bought first and it restarted) is refused rather than
 * filled at the restarted, higher price the buyer never saw.
 */
export function press(
  params: ClockParams & { remaining: number; round: number; minimumBase: number },
  input: { askedBase: number; seenRound: number | null; now: Date },
): { ok: true; priceFen: number; filled: number } | { ok: false; reason: PressRefusal } {
  if (params.remaining <= 0) return { ok: false, reason: 'sold' };
  if (input.seenRound !== null && input.seenRound !== params.round)
    return { ok: false, reason: 'clock_restarted' };
  const reading = clockAt(params, input.now);
  if (reading.phase === 'before') return { ok: false, reason: 'not_started' };
  if (reading.phase === 'floor_passed') return { ok: false, reason: 'floor_passed' };
  if (input.askedBase < Math.min(params.minimumBase, params.remaining))
    return { ok: false, reason: 'too_small' };
  return { ok: true, priceFen: reading.priceFen, filled: Math.min(input.askedBase, params.remaining) };
}
