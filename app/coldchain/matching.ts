// Vehicle-cargo matching, pure: a trip's route and whether its windows hold, the extra distance a booking adds, the best vehicle.
import { distanceKm } from '../geo/cities';
import { type TempClass, compatible } from './classes';

export type Point = { lat: number; lng: number };

export type Cargo = {
  id: string;
  tempClass: TempClass;
  weightKg: number;
  pallets: number;
  pickup: Point;
  dropoff: Point;
  pickupFrom: number;
  pickupUntil: number;
  deliverBy: number;
};

export type VehicleSlot = {
  vehicleId: string;
  tempClass: TempClass;
  home: Point;
  capacityKg: number;
  capacityPallets: number;
  /** The bookings already on the vehicle's trip that day (empty for a free vehicle). */
  cargo: Cargo[];
};

/** Roads are longer than the great circle; reefers average about 55 km/h between stops. */
export const ROAD_FACTOR = 1.25;
export const SPEED_KMH = 55;
/** Loading or unloading at a stop. */
export const STOP_MS = 30 * 60_000;

export function roadKm(a: Point, b: Point): number {
  return distanceKm(a, b) * ROAD_FACTOR;
}

function driveMs(km: number): number {
  return (km / SPEED_KMH) * 3_600_000;
}

export type Route = { feasible: boolean; km: number };

/**
 * A trip's route: from the vehicle's home to every pickup in the order its window opens, then to
 * every drop-off by the earliest deadline. The vehicle leaves home just in time for the first pickup,
 * waits where it is early, and the route fails if a pickup window has closed or a deadline passed.
 */
export function planRoute(home: Point, cargo: Cargo[]): Route {
  if (cargo.length === 0) return { feasible: true, km: 0 };
  const pickups = [...cargo].sort((a, b) => a.pickupFrom - b.pickupFrom || a.id.localeCompare(b.id));
  const dropoffs = [...cargo].sort((a, b) => a.deliverBy - b.deliverBy || a.id.localeCompare(b.id));
  let at = home;
  let km = 0;
  let clock = pickups[0].pickupFrom - driveMs(roadKm(home, pickups[0].pickup));
  let feasible = true;
  for (const stop of pickups) {
    const leg = roadKm(at, stop.pickup);
    km += leg;
    const arrive = clock + driveMs(leg);
    if (arrive > stop.pickupUntil) feasible = false;
    clock = Math.max(arrive, stop.pickupFrom) + STOP_MS;
    at = stop.pickup;
  }
  for (const stop of dropoffs) {
    const leg = roadKm(at, stop.dropoff);
    km += leg;
    const arrive = clock + driveMs(leg);
    if (arrive > stop.deliverBy) feasible = false;
    clock = arrive + STOP_MS;
    at = stop.dropoff;
  }
  return { feasible, km };
}

export type Fit = { vehicleId: string; extraKm: number };

/** Whether the cargo fits the vehicle's trip (class, room left, windows), and the kilometres it adds. */
export function fitOnto(slot: VehicleSlot, cargo: Cargo): Fit | null {
  if (!compatible(cargo.tempClass, slot.tempClass)) return null;
  const usedKg = slot.cargo.reduce((sum, c) => sum + c.weightKg, 0);
  const usedPallets = slot.cargo.reduce((sum, c) => sum + c.pallets, 0);
  if (usedKg + cargo.weightKg > slot.capacityKg) return null;
  if (usedPallets + cargo.pallets > slot.capacityPallets) return null;
  const before = planRoute(slot.home, slot.cargo);
  const after = planRoute(slot.home, [...slot.cargo, cargo]);
  if (!after.feasible) return null;
  return { vehicleId: slot.vehicleId, extraKm: after.km - before.km };
}

/**
 * Every vehicle the cargo fits, the shortest extra distance first. Ties go to a vehicle already on
 * the road (consolidation keeps empty trucks free), then to the fuller truck, then by id.
 */
export function rankVehicles(slots: VehicleSlot[], cargo: Cargo): Fit[] {
  const fits: { fit: Fit; loaded: boolean; freeKg: number }[] = [];
  for (const slot of slots) {
    const fit = fitOnto(slot, cargo);
    if (!fit) continue;
    const freeKg = slot.capacityKg - slot.cargo.reduce((sum, c) => sum + c.weightKg, 0);
    fits.push({ fit, loaded: slot.cargo.length > 0, freeKg });
  }
  fits.sort(
    (a, b) =>
      a.fit.extraKm - b.fit.extraKm ||
      Number(b.loaded) - Number(a.loaded) ||
      a.freeKg - b.freeKg ||
      a.fit.vehicleId.localeCompare(b.fit.vehicleId),
  );
  return fits.map((f) => f.fit);
}

/** Places many bookings at once (the benchmark; the worker places one at a time the same way). */
export function assignAll(
  slots: VehicleSlot[],
  cargo: Cargo[],
  strategy: 'best' | 'first-fit',
): Map<string, string | null> {
  const bySlot = new Map(slots.map((slot) => [slot.vehicleId, { ...slot, cargo: [...slot.cargo] }]));
  const result = new Map<string, string | null>();
  for (const item of cargo) {
    let chosen: string | null = null;
    if (strategy === 'best') chosen = rankVehicles([...bySlot.values()], item)[0]?.vehicleId ?? null;
    else {
      for (const slot of bySlot.values()) {
        if (fitOnto(slot, item)) {
          chosen = slot.vehicleId;
          break;
        }
      }
    }
    if (chosen) bySlot.get(chosen)?.cargo.push(item);
    result.set(item.id, chosen);
  }
  return result;
}
