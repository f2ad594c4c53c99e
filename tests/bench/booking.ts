// Benchmark: 1,000 booking requests onto 200 vehicles with the matcher's planner (least extra distance, consolidating),
// against first-fit in booking order, in the same run on the same cargo: time, vehicles used, capacity utilisation, km.
//   npm run bench -- booking                     (--n requests, default 1000; vehicles are a fifth of that)
import { CITIES, cityOf } from '../../app/geo/cities';
import type { TempClass } from '../../app/coldchain/classes';
import { type Cargo, type VehicleSlot, assignAll, planRoute } from '../../app/coldchain/matching';
import type { BenchContext } from './run';
import { random, round } from './support';

const DEFAULT_N = 1_000;
const H = 3_600_000;
const DAY0 = Date.parse('2026-12-01T00:00:00+08:00');

const place = (name: string) => {
  const city = cityOf(name);
  if (!city) throw new Error(`no city ${name}`);
  return { lat: city.lat, lng: city.lng };
};

/** Where seafood and fruit come from, and where the market's buyers are. */
const ORIGINS = ['湛江', '钦州', '徐闻', '茂名', '阳江', '北海', '雷州', '吴川'].map(place);
const DESTINATIONS = ['广州', '深圳', '佛山', '东莞', '南宁', '珠海', '中山', '江门', '湛江', '海口'].map(
  place,
);
const CLASSES: [TempClass, number][] = [
  ['chilled', 0.4],
  ['live', 0.25],
  ['frozen', 0.25],
  ['ambient', 0.1],
];

function pick<T>(rnd: () => number, items: T[]): T {
  return items[Math.floor(rnd() * items.length)];
}

function pickClass(rnd: () => number): TempClass {
  let r = rnd();
  for (const [c, share] of CLASSES) {
    if (r < share) return c;
    r -= share;
  }
  return 'chilled';
}

export function fleet(n: number, seed = 7): VehicleSlot[] {
  const rnd = random(seed).next;
  return Array.from({ length: n }, (_, i) => {
    const pallets = 4 + Math.floor(rnd() * 13);
    return {
      vehicleId: `veh_${String(i).padStart(4, '0')}`,
      tempClass: pickClass(rnd),
      home: pick(rnd, CITIES),
      capacityKg: pallets * 700,
      capacityPallets: pallets,
      cargo: [],
    };
  });
}

export function requests(n: number, seed = 11): Cargo[] {
  const rnd = random(seed).next;
  return Array.from({ length: n }, (_, i) => {
    const weightKg = 100 + Math.floor(rnd() * 1100);
    const pickupFrom = DAY0 + (4 + Math.floor(rnd() * 10)) * H;
    return {
      id: `bkg_${String(i).padStart(5, '0')}`,
      tempClass: pickClass(rnd),
      weightKg,
      pallets: Math.max(1, Math.ceil(weightKg / 600)),
      pickup: pick(rnd, ORIGINS),
      dropoff: pick(rnd, DESTINATIONS),
      pickupFrom,
      pickupUntil: pickupFrom + (3 + Math.floor(rnd() * 4)) * H,
      deliverBy: pickupFrom + (10 + Math.floor(rnd() * 20)) * H,
    };
  });
}

type Outcome = { ms: number; placed: number; used: number; utilisation: number; km: number };

function measure(slots: VehicleSlot[], cargo: Cargo[], strategy: 'best' | 'first-fit'): Outcome {
  const start = performance.now();
  const placedOn = assignAll(slots, cargo, strategy);
  const ms = performance.now() - start;
  const loads = new Map<string, Cargo[]>();
  for (const item of cargo) {
    const v = placedOn.get(item.id);
    if (v) loads.set(v, [...(loads.get(v) ?? []), item]);
  }
  let usedKg = 0;
  let capacityKg = 0;
  let km = 0;
  for (const slot of slots) {
    const load = loads.get(slot.vehicleId);
    if (!load) continue;
    usedKg += load.reduce((sum, c) => sum + c.weightKg, 0);
    capacityKg += slot.capacityKg;
    km += planRoute(slot.home, load).km;
  }
  return {
    ms,
    placed: [...placedOn.values()].filter(Boolean).length,
    used: loads.size,
    utilisation: capacityKg ? usedKg / capacityKg : 0,
    km,
  };
}

export async function run({ options, emit, log }: BenchContext): Promise<void> {
  const n = Number(options.n ?? DEFAULT_N);
  if (!Number.isInteger(n) || n < 10 || n > 100_000)
    throw new Error('--n must be a whole number from 10 to 100000');
  const slots = fleet(Math.max(2, Math.round(n / 5)));
  const cargo = requests(n);
  log(`${cargo.length} requests onto ${slots.length} vehicles`);
  // Warm the JIT once on a slice so neither strategy pays for compilation.
  measure(slots, cargo.slice(0, 50), 'best');
  measure(slots, cargo.slice(0, 50), 'first-fit');
  const best = measure(slots, cargo, 'best');
  const firstFit = measure(slots, cargo, 'first-fit');
  log(`least-extra-distance: ${JSON.stringify(best)}`);
  log(`first-fit: ${JSON.stringify(firstFit)}`);
  const common = {
    baseline: 'first-fit in booking order, same cargo and fleet',
    requests: n,
    vehicles: slots.length,
    placed: best.placed,
    baseline_placed: firstFit.placed,
  };
  emit({
    bench: 'booking',
    metric: 'vehicles used (lower is better; ratio = baseline / value)',
    value: best.used,
    baseline_value: firstFit.used,
    ratio: round(firstFit.used / best.used, 3),
    ...common,
  });
  emit({
    bench: 'booking',
    metric: 'capacity utilisation of the vehicles used (kg loaded / kg capacity; ratio = value / baseline)',
    value: round(best.utilisation, 3),
    baseline_value: round(firstFit.utilisation, 3),
    ratio: round(best.utilisation / firstFit.utilisation, 3),
    ...common,
  });
  emit({
    bench: 'booking',
    metric: 'route km driven (lower is better; ratio = baseline / value)',
    value: Math.round(best.km),
    baseline_value: Math.round(firstFit.km),
    ratio: round(firstFit.km / best.km, 3),
    ...common,
  });
  emit({
    bench: 'booking',
    metric: 'planning time ms for all requests (lower is better; ratio = baseline / value)',
    value: round(best.ms, 1),
    baseline_value: round(firstFit.ms, 1),
    ratio: round(firstFit.ms / best.ms, 3),
    ...common,
  });
}
