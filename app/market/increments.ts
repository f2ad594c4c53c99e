// Bid increments by price band: plain code without zod, so the auction page can use it in the browser.

export type IncrementBands = { fromFen: number; stepFen: number }[];

/** The increment that applies at `priceFen`: the step of the highest band starting at or below it. */
export function incrementAt(bands: IncrementBands, priceFen: number): number {
  let step = bands[0]?.stepFen ?? 1;
  for (const band of bands) if (band.fromFen <= priceFen) step = band.stepFen;
  return step;
}
