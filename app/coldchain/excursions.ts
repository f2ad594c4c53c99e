// Excursions, pure: runs of readings outside a class's band that last longer than the category tolerates.
import { BANDS, type TempClass, outsideBand } from './classes';

export type Reading = { at: number; tempC: number };

export type Run = { startedAt: number; endedAt: number; minutes: number; minC: number; maxC: number };

/**
 * Runs of consecutive out-of-band readings (in time order). A run lasts from its first reading to
 * the first reading back in band (or its last reading while it goes on), so one reading alone
 * lasts nothing and a logger's gap inside a run counts as outside.
 */
export function outOfBandRuns(tempClass: TempClass, readings: Reading[]): Run[] {
  const sorted = [...readings].sort((a, b) => a.at - b.at);
  const runs: Run[] = [];
  let current: Run | null = null;
  for (const reading of sorted) {
    if (outsideBand(tempClass, reading.tempC)) {
      if (!current)
        current = {
          startedAt: reading.at,
          endedAt: reading.at,
          minutes: 0,
          minC: reading.tempC,
          maxC: reading.tempC,
        };
      else {
        current.endedAt = reading.at;
        current.minC = Math.min(current.minC, reading.tempC);
        current.maxC = Math.max(current.maxC, reading.tempC);
      }
    } else if (current) {
      current.endedAt = reading.at;
      runs.push(current);
      current = null;
    }
  }
  if (current) runs.push(current);
  for (const run of runs) run.minutes = Math.floor((run.endedAt - run.startedAt) / 60_000);
  return runs;
}

/** The runs that are excursions: longer than `toleranceMinutes`. Each keeps its start, which identifies it. */
export function excursionsOf(tempClass: TempClass, readings: Reading[], toleranceMinutes: number): Run[] {
  return outOfBandRuns(tempClass, readings).filter((run) => run.minutes > toleranceMinutes);
}

/** The worst reading of a run against the band: the warmest above it, or the coldest below it. */
export function worstC(tempClass: TempClass, run: Run): number {
  return run.maxC > BANDS[tempClass].maxC ? run.maxC : run.minC;
}

export type TemperatureSummary = { readings: number; minC: number; maxC: number; inBandShare: number } | null;

export function summarise(tempClass: TempClass, readings: Reading[]): TemperatureSummary {
  if (readings.length === 0) return null;
  const temps = readings.map((r) => r.tempC);
  const inBand = readings.filter((r) => !outsideBand(tempClass, r.tempC)).length;
  return {
    readings: readings.length,
    minC: Math.min(...temps),
    maxC: Math.max(...temps),
    inBandShare: inBand / readings.length,
  };
}
