// Cold chain rules, pure: routes and windows, vehicle choice and consolidation, capacity, excursions, telemetry signatures.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compatible, outsideBand } from '../../app/coldchain/classes';
import { excursionsOf, outOfBandRuns, summarise } from '../../app/coldchain/excursions';
import {
  type Cargo,
  type VehicleSlot,
  assignAll,
  fitOnto,
  planRoute,
  rankVehicles,
} from '../../app/coldchain/matching';
import { checkTelemetrySignature, signTelemetry } from '../../app/coldchain/signature';
import { marketDate, parseMarketDateTime, toMarketDateTime } from '../../app/coldchain/time';
import { cityOf } from '../../app/geo/cities';

const place = (name: string) => {
  const city = cityOf(name);
  if (!city) throw new Error(name);
  return { lat: city.lat, lng: city.lng };
};
const ZJ = place('湛江');
const GZ = place('广州');
const SZ = place('深圳');
const QZ = place('钦州');
const H = 3_600_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');

function cargo(id: string, over: Partial<Cargo> = {}): Cargo {
  return {
    id,
    tempClass: 'chilled',
    weightKg: 1000,
    pallets: 2,
    pickup: ZJ,
    dropoff: GZ,
    pickupFrom: T0,
    pickupUntil: T0 + 4 * H,
    deliverBy: T0 + 24 * H,
    ...over,
  };
}

function slot(vehicleId: string, over: Partial<VehicleSlot> = {}): VehicleSlot {
  return {
    vehicleId,
    tempClass: 'chilled',
    home: ZJ,
    capacityKg: 5000,
    capacityPallets: 10,
    cargo: [],
    ...over,
  };
}

describe('classes', () => {
  it('carries cargo only in a vehicle of its own class', () => {
    expect(compatible('chilled', 'chilled')).toBe(true);
    expect(compatible('chilled', 'frozen')).toBe(false);
    expect(compatible('ambient', 'chilled')).toBe(false);
  });
  it('knows each band', () => {
    expect(outsideBand('chilled', 9)).toBe(true);
    expect(outsideBand('chilled', 3)).toBe(false);
    expect(outsideBand('frozen', -15)).toBe(true);
    expect(outsideBand('frozen', -20)).toBe(false);
  });
});

describe('routes and fits', () => {
  it('an empty trip is feasible and drives nothing', () => {
    expect(planRoute(ZJ, [])).toEqual({ feasible: true, km: 0 });
  });

  it('refuses a deadline the road cannot make (湛江 → 广州 in one hour)', () => {
    expect(fitOnto(slot('v1'), cargo('c', { deliverBy: T0 + H }))).toBeNull();
    expect(fitOnto(slot('v1'), cargo('c'))).not.toBeNull();
  });

  it('refuses a pickup window a far vehicle cannot reach after its first stop', () => {
    const first = cargo('a', { pickup: QZ, pickupFrom: T0, pickupUntil: T0 + H });
    const second = cargo('b', { pickup: SZ, pickupFrom: T0, pickupUntil: T0 + 2 * H });
    expect(fitOnto(slot('v', { cargo: [first] }), second)).toBeNull();
  });

  it('refuses another class, and a load over kg or pallets', () => {
    expect(fitOnto(slot('v'), cargo('c', { tempClass: 'frozen' }))).toBeNull();
    expect(fitOnto(slot('v', { capacityKg: 999 }), cargo('c'))).toBeNull();
    expect(fitOnto(slot('v', { capacityPallets: 1 }), cargo('c'))).toBeNull();
    expect(fitOnto(slot('v', { cargo: [cargo('x', { weightKg: 4001 })] }), cargo('c'))).toBeNull();
  });

  it('prefers the vehicle that adds the least distance: a truck already going the same way', () => {
    const going = slot('going', { cargo: [cargo('first')] });
    const idleNear = slot('idle-near');
    const idleFar = slot('idle-far', { home: QZ });
    const ranked = rankVehicles([idleFar, idleNear, going], cargo('second'));
    expect(ranked.map((f) => f.vehicleId)).toEqual(['going', 'idle-near', 'idle-far']);
    expect(ranked[0].extraKm).toBeCloseTo(0, 5);
  });

  it('consolidates: several bookings on one lane share a truck until it is full', () => {
    const slots = [slot('a'), slot('b'), slot('c')];
    const items = Array.from({ length: 8 }, (_, i) => cargo(`c${i}`));
    const placed = assignAll(slots, items, 'best');
    const counts = new Map<string, number>();
    for (const v of placed.values()) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.values()].sort()).toEqual([3, 5]);
  });

  it('never loads any vehicle over its kg or pallets, whatever the bookings (property)', () => {
    const arb = fc.array(
      fc.record({
        weightKg: fc.integer({ min: 1, max: 6000 }),
        pallets: fc.integer({ min: 1, max: 12 }),
        lane: fc.integer({ min: 0, max: 2 }),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(arb, fc.constantFrom('best' as const, 'first-fit' as const), (specs, strategy) => {
        const lanes = [GZ, SZ, QZ];
        const items = specs.map((s, i) =>
          cargo(`c${i}`, { weightKg: s.weightKg, pallets: s.pallets, dropoff: lanes[s.lane] }),
        );
        const slots = [
          slot('a'),
          slot('b', { capacityKg: 3000, capacityPallets: 4 }),
          slot('c', { home: GZ }),
        ];
        const placed = assignAll(slots, items, strategy);
        for (const s of slots) {
          const mine = items.filter((c) => placed.get(c.id) === s.vehicleId);
          expect(mine.reduce((sum, c) => sum + c.weightKg, 0)).toBeLessThanOrEqual(s.capacityKg);
          expect(mine.reduce((sum, c) => sum + c.pallets, 0)).toBeLessThanOrEqual(s.capacityPallets);
        }
      }),
    );
  });
});

describe('excursions', () => {
  const minute = 60_000;
  const series = (temps: number[]) => temps.map((tempC, i) => ({ at: T0 + i * minute, tempC }));

  it('a 25-minute run at +9 °C on a chilled load is one excursion over a 20-minute tolerance', () => {
    const readings = series([3, 3, ...Array(26).fill(9), 3, 3]);
    const found = excursionsOf('chilled', readings, 20);
    expect(found).toHaveLength(1);
    expect(found[0].minutes).toBeGreaterThanOrEqual(25);
    expect(found[0].maxC).toBe(9);
  });

  it('a short run is no excursion, and two runs are two', () => {
    expect(excursionsOf('chilled', series([3, 9, 9, 9, 3]), 20)).toHaveLength(0);
    const two = series([...Array(25).fill(9), 3, ...Array(25).fill(-3)]);
    expect(excursionsOf('chilled', two, 20)).toHaveLength(2);
  });

  it('keeps the run start whatever order the readings come in', () => {
    const readings = series([3, ...Array(30).fill(9)]);
    const shuffled = [...readings].reverse();
    expect(outOfBandRuns('chilled', shuffled)[0].startedAt).toBe(T0 + minute);
  });

  it('summarises a shipment', () => {
    expect(summarise('chilled', series([1, 2, 9, 3]))).toEqual({
      readings: 4,
      minC: 1,
      maxC: 9,
      inBandShare: 0.75,
    });
    expect(summarise('chilled', [])).toBeNull();
  });
});

describe('telemetry signatures', () => {
  const secret = 's3cret';
  const body = '{"readings":[{"at":"2026-12-01T00:00:00Z","tempC":3}]}';
  const now = Date.parse('2026-12-01T00:01:00Z');
  const ts = String(Math.floor(now / 1000));
  const check = (over: Partial<Parameters<typeof checkTelemetrySignature>[0]>) =>
    checkTelemetrySignature({
      secret,
      timestamp: ts,
      signature: signTelemetry(secret, ts, body),
      body,
      nowMs: now,
      maxSkewSeconds: 300,
      ...over,
    });

  it('accepts a fresh batch signed over its timestamp and body', () => {
    expect(check({})).toBe('ok');
    expect(check({ signature: `sha256=${signTelemetry(secret, ts, body)}` })).toBe('ok');
  });
  it('refuses another body, another secret, another timestamp, or no signature', () => {
    expect(check({ body: body.replace('3', '2') })).toBe('bad-signature');
    expect(check({ secret: 'other' })).toBe('bad-signature');
    expect(check({ timestamp: String(Number(ts) + 1) })).toBe('bad-signature');
    expect(check({ signature: null })).toBe('bad-signature');
    expect(check({ signature: 'zz' })).toBe('bad-signature');
  });
  it('refuses a batch signed more than five minutes ago', () => {
    const old = String(Number(ts) - 301);
    expect(check({ timestamp: old, signature: signTelemetry(secret, old, body) })).toBe('stale');
    const recent = String(Number(ts) - 299);
    expect(check({ timestamp: recent, signature: signTelemetry(secret, recent, body) })).toBe('ok');
  });
});

describe('market time', () => {
  it('reads a datetime-local value as Shanghai time and back', () => {
    const at = parseMarketDateTime('2026-12-01T08:30', 'Asia/Shanghai');
    expect(at?.toISOString()).toBe('2026-12-01T00:30:00.000Z');
    expect(toMarketDateTime(at as Date, 'Asia/Shanghai')).toBe('2026-12-01T08:30');
    expect(parseMarketDateTime('tomorrow', 'Asia/Shanghai')).toBeNull();
    expect(marketDate(new Date('2026-11-30T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-12-01');
  });
});
