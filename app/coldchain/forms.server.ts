// The cold chain's forms: vehicles, cold rooms, booking requests and hand-overs, read into data or per-field message keys.
import { cityOf } from '../geo/cities';
import type { FieldErrors } from '../lib/forms.server';
import { formValues } from '../lib/forms.server';
import { type TempClass, isTempClass } from './classes';
import { parseMarketDateTime } from './time';
import { marketTimeZone } from '../lib/market-time';

export type Parsed<T> =
  | { ok: true; data: T }
  | { ok: false; errors: FieldErrors; values: Record<string, string> };

function text(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

/** A whole number within bounds, or a message key. */
function whole(raw: string, min: number, max: number, tooSmall: string): number | string {
  if (raw === '') return 'errors.required';
  if (!/^-?\d+$/.test(raw)) return 'coldchain.errors.wholeNumber';
  const n = Number(raw);
  if (n < min) return tooSmall;
  if (n > max) return 'coldchain.errors.tooLarge';
  return n;
}

function done<T>(formData: FormData, errors: FieldErrors, data: T): Parsed<T> {
  return Object.keys(errors).length
    ? { ok: false, errors, values: formValues(formData) }
    : { ok: true, data };
}

function tempClassOf(formData: FormData, errors: FieldErrors): TempClass {
  const value = text(formData, 'tempClass');
  if (!isTempClass(value)) errors.tempClass = 'errors.chooseOne';
  return value as TempClass;
}

function capacities(formData: FormData, errors: FieldErrors) {
  const kg = whole(text(formData, 'capacityKg'), 1, 100_000, 'coldchain.errors.capacityPositive');
  const pallets = whole(text(formData, 'capacityPallets'), 1, 100, 'coldchain.errors.capacityPositive');
  if (typeof kg === 'string') errors.capacityKg = kg;
  if (typeof pallets === 'string') errors.capacityPallets = pallets;
  return { capacityKg: kg as number, capacityPallets: pallets as number };
}

export type VehicleInput = {
  plate: string;
  tempClass: TempClass;
  capacityKg: number;
  capacityPallets: number;
  homeBase: string;
  availableFrom: string | null;
  availableUntil: string | null;
};

export function readVehicleForm(formData: FormData): Parsed<VehicleInput> {
  const errors: FieldErrors = {};
  const plate = text(formData, 'plate').toUpperCase().replace(/\s+/g, '');
  // Chinese plates: a province character, a letter, then 5 or 6 letters and digits (new-energy plates have 6).
  if (!plate) errors.plate = 'errors.required';
  else if (!/^[\u4e00-\u9fa5][A-Z][A-Z0-9]{5,6}$/.test(plate)) errors.plate = 'coldchain.errors.plate';
  const tempClass = tempClassOf(formData, errors);
  const caps = capacities(formData, errors);
  const homeBase = text(formData, 'homeBase');
  if (!homeBase) errors.homeBase = 'errors.required';
  else if (!cityOf(homeBase)) errors.homeBase = 'coldchain.errors.unknownPlace';
  const from = text(formData, 'availableFrom') || null;
  const until = text(formData, 'availableUntil') || null;
  const isDate = (v: string | null) => v === null || /^\d{4}-\d{2}-\d{2}$/.test(v);
  if (!isDate(from)) errors.availableFrom = 'errors.invalid';
  if (!isDate(until)) errors.availableUntil = 'errors.invalid';
  else if (from && until && until < from) errors.availableUntil = 'coldchain.errors.windowOrder';
  return done(formData, errors, {
    plate,
    tempClass,
    ...caps,
    homeBase: homeBase.slice(0, 120),
    availableFrom: from,
    availableUntil: until,
  });
}

export type ColdRoomInput = {
  name: string;
  place: string;
  tempClass: TempClass;
  capacityKg: number;
  capacityPallets: number;
};

export function readColdRoomForm(formData: FormData): Parsed<ColdRoomInput> {
  const errors: FieldErrors = {};
  const name = text(formData, 'name');
  if (!name) errors.name = 'errors.required';
  const place = text(formData, 'place');
  if (!place) errors.place = 'errors.required';
  else if (!cityOf(place)) errors.place = 'coldchain.errors.unknownPlace';
  const tempClass = tempClassOf(formData, errors);
  const caps = capacities(formData, errors);
  return done(formData, errors, { name: name.slice(0, 80), place: place.slice(0, 120), tempClass, ...caps });
}

export type BookingInput = {
  tempClass: TempClass;
  weightKg: number;
  pallets: number;
  pickupPlace: string;
  pickupFrom: Date;
  pickupUntil: Date;
  dropoffPlace: string;
  deliverBy: Date;
  note: string | null;
};

export function readBookingForm(formData: FormData): Parsed<BookingInput> {
  const errors: FieldErrors = {};
  const tz = marketTimeZone();
  const tempClass = tempClassOf(formData, errors);
  const weight = whole(text(formData, 'weightKg'), 1, 100_000, 'coldchain.errors.weightPositive');
  if (typeof weight === 'string') errors.weightKg = weight;
  const pallets = whole(text(formData, 'pallets'), 1, 100, 'coldchain.errors.weightPositive');
  if (typeof pallets === 'string') errors.pallets = pallets;
  const place = (name: string) => {
    const value = text(formData, name);
    if (!value) errors[name] = 'errors.required';
    else if (!cityOf(value)) errors[name] = 'coldchain.errors.unknownPlace';
    return value.slice(0, 200);
  };
  const pickupPlace = place('pickupPlace');
  const dropoffPlace = place('dropoffPlace');
  const time = (name: string) => {
    const value = text(formData, name);
    if (!value) {
      errors[name] = 'errors.required';
      return null;
    }
    const at = parseMarketDateTime(value, tz);
    if (!at) errors[name] = 'errors.invalid';
    return at;
  };
  const pickupFrom = time('pickupFrom');
  const pickupUntil = time('pickupUntil');
  const deliverBy = time('deliverBy');
  if (pickupFrom && pickupUntil && pickupUntil <= pickupFrom)
    errors.pickupUntil = 'coldchain.errors.windowOrder';
  if (pickupFrom && deliverBy && deliverBy <= pickupFrom)
    errors.deliverBy = 'coldchain.errors.deliverAfterPickup';
  if (pickupUntil && pickupUntil.getTime() < Date.now()) errors.pickupUntil ??= 'coldchain.errors.inThePast';
  const note = text(formData, 'note').slice(0, 500) || null;
  return done(formData, errors, {
    tempClass,
    weightKg: weight as number,
    pallets: pallets as number,
    pickupPlace,
    pickupFrom: pickupFrom as Date,
    pickupUntil: pickupUntil as Date,
    dropoffPlace,
    deliverBy: deliverBy as Date,
    note,
  });
}

/** A hand-over's weighed quantity in kg (optional), as grams. */
export function readHandoverWeight(
  fields: Record<string, string>,
): { grams: number | null } | { error: string } {
  const raw = (fields.weightKg ?? '').trim();
  if (!raw) return { grams: null };
  if (!/^\d+(\.\d{1,3})?$/.test(raw)) return { error: 'coldchain.errors.weight' };
  const grams = Math.round(Number(raw) * 1000);
  if (grams <= 0 || grams > 100_000_000) return { error: 'coldchain.errors.weight' };
  return { grams };
}
