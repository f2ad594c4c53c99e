// Temperature classes of cargo, vehicles and cold rooms: each one's band in °C and what may ride together.
export type TempClass = 'frozen' | 'chilled' | 'live' | 'ambient';

export const TEMP_CLASSES: TempClass[] = ['frozen', 'chilled', 'live', 'ambient'];

/**
 * The band a shipment of the class must stay in. Frozen is "−18 °C or colder" (−30 is what reefers
 * hold, anything colder is a broken sensor rather than harm); live-water tanks keep seafood calm
 * between 8 and 20 °C; ambient produce spoils above 30 °C and chill-damages near freezing.
 */
export const BANDS: Record<TempClass, { minC: number; maxC: number }> = {
  frozen: { minC: -30, maxC: -18 },
  chilled: { minC: 0, maxC: 4 },
  live: { minC: 8, maxC: 20 },
  ambient: { minC: 2, maxC: 30 },
};

export function isTempClass(value: unknown): value is TempClass {
  return typeof value === 'string' && (TEMP_CLASSES as string[]).includes(value);
}

/**
 * Cargo rides only in a vehicle of its own class: a compartment holds one temperature, and what is
 * right for one class harms another (bananas chill-damage in a chilled truck, frozen goods thaw in it).
 */
export function compatible(cargo: TempClass, vehicle: TempClass): boolean {
  return cargo === vehicle;
}

export function outsideBand(tempClass: TempClass, tempC: number): boolean {
  const band = BANDS[tempClass];
  return tempC < band.minC || tempC > band.maxC;
}
