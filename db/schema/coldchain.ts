// Cold chain and traceability: carriers' vehicles and cold rooms, bookings and trips, hand-overs, telemetry, excursions, trace events.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations, users } from './identity';
import { coldChainClass, listings } from './listings';
import { orders } from './orders';

export const bookingStatus = pgEnum('booking_status', [
  /** Waiting for the worker to find a vehicle. */
  'requested',
  /** Placed on a trip; the carrier has not answered yet. */
  'offered',
  'accepted',
  'picked_up',
  'delivered',
  /** No vehicle fits (class, capacity, windows); the requester may change it or arrange transport itself. */
  'unmatched',
  'cancelled',
]);
export const handoverKind = pgEnum('handover_kind', ['pickup', 'delivery']);

/** A carrier's vehicle. Availability: `active` plus an optional span of dates it works. */
export const vehicles = pgTable(
  'vehicles',
  {
    id: text('id').primaryKey(),
    carrierOrgId: text('carrier_org_id')
      .notNull()
      .references(() => organisations.id),
    plate: text('plate').notNull(),
    tempClass: coldChainClass('temp_class').notNull(),
    capacityKg: integer('capacity_kg').notNull(),
    capacityPallets: integer('capacity_pallets').notNull(),
    /** Free text like an org's city; resolved with cityOf() for distances. */
    homeBase: text('home_base').notNull(),
    active: boolean('active').notNull().default(true),
    availableFrom: date('available_from', { mode: 'string' }),
    availableUntil: date('available_until', { mode: 'string' }),
    ...timestamps,
  },
  (t) => [
    check('vehicles_capacity_kg_positive', sql`${t.capacityKg} > 0`),
    check('vehicles_capacity_pallets_positive', sql`${t.capacityPallets} > 0`),
    check(
      'vehicles_availability_order',
      sql`${t.availableFrom} is null or ${t.availableUntil} is null or ${t.availableFrom} <= ${t.availableUntil}`,
    ),
    uniqueIndex('vehicles_plate_key').on(t.plate),
    index('vehicles_carrier_idx').on(t.carrierOrgId),
  ],
);

export const coldRooms = pgTable(
  'cold_rooms',
  {
    id: text('id').primaryKey(),
    carrierOrgId: text('carrier_org_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    place: text('place').notNull(),
    tempClass: coldChainClass('temp_class').notNull(),
    capacityKg: integer('capacity_kg').notNull(),
    capacityPallets: integer('capacity_pallets').notNull(),
    active: boolean('active').notNull().default(true),
    ...timestamps,
  },
  (t) => [
    check('cold_rooms_capacity_kg_positive', sql`${t.capacityKg} > 0`),
    check('cold_rooms_capacity_pallets_positive', sql`${t.capacityPallets} > 0`),
    index('cold_rooms_carrier_idx').on(t.carrierOrgId),
  ],
);

/**
 * A vehicle's run on one service day. Its used kg and pallets are the sum of the bookings on it; they
 * only change by a conditional update under the row's lock, and the CHECKs are the last guard.
 */
export const trips = pgTable(
  'trips',
  {
    id: text('id').primaryKey(),
    vehicleId: text('vehicle_id')
      .notNull()
      .references(() => vehicles.id),
    carrierOrgId: text('carrier_org_id')
      .notNull()
      .references(() => organisations.id),
    serviceDate: date('service_date', { mode: 'string' }).notNull(),
    capacityKg: integer('capacity_kg').notNull(),
    capacityPallets: integer('capacity_pallets').notNull(),
    usedKg: integer('used_kg').notNull().default(0),
    usedPallets: integer('used_pallets').notNull().default(0),
    ...timestamps,
  },
  (t) => [
    check('trips_kg_within_capacity', sql`${t.usedKg} >= 0 and ${t.usedKg} <= ${t.capacityKg}`),
    check(
      'trips_pallets_within_capacity',
      sql`${t.usedPallets} >= 0 and ${t.usedPallets} <= ${t.capacityPallets}`,
    ),
    uniqueIndex('trips_vehicle_day_key').on(t.vehicleId, t.serviceDate),
    index('trips_carrier_idx').on(t.carrierOrgId, t.serviceDate),
  ],
);

/** Transport asked for a paid order: what, from where and when, to where and by when. One per order. */
export const bookings = pgTable(
  'bookings',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    requestedByOrgId: text('requested_by_org_id')
      .notNull()
      .references(() => organisations.id),
    requestedBy: text('requested_by')
      .notNull()
      .references(() => users.id),
    tempClass: coldChainClass('temp_class').notNull(),
    weightKg: integer('weight_kg').notNull(),
    pallets: integer('pallets').notNull(),
    pickupPlace: text('pickup_place').notNull(),
    pickupFrom: timestamp('pickup_from', { withTimezone: true }).notNull(),
    pickupUntil: timestamp('pickup_until', { withTimezone: true }).notNull(),
    dropoffPlace: text('dropoff_place').notNull(),
    deliverBy: timestamp('deliver_by', { withTimezone: true }).notNull(),
    status: bookingStatus('status').notNull().default('requested'),
    tripId: text('trip_id').references(() => trips.id),
    /** Set with the trip (denormalised so a carrier's bookings are one indexed lookup). */
    carrierOrgId: text('carrier_org_id').references(() => organisations.id),
    vehicleId: text('vehicle_id').references(() => vehicles.id),
    /** Vehicles whose carrier declined this booking: the worker does not offer it to them again. */
    declinedVehicleIds: text('declined_vehicle_ids').array().notNull().default(sql`'{}'::text[]`),
    /** Extra kilometres the vehicle drives for this booking, as the matcher computed it. */
    extraKm: doublePrecision('extra_km'),
    note: text('note'),
    /** When the goods left and arrived: the shipment's telemetry is its vehicle's readings in between. */
    pickedUpAt: timestamp('picked_up_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [
    check('bookings_weight_positive', sql`${t.weightKg} > 0`),
    check('bookings_pallets_positive', sql`${t.pallets} > 0`),
    check('bookings_pickup_window', sql`${t.pickupUntil} > ${t.pickupFrom}`),
    check('bookings_deliver_after_pickup', sql`${t.deliverBy} > ${t.pickupFrom}`),
    check(
      'bookings_trip_when_placed',
      sql`(${t.tripId} is null) = (${t.status} in ('requested', 'unmatched', 'cancelled'))`,
    ),
    uniqueIndex('bookings_order_key').on(t.orderId),
    index('bookings_trip_idx').on(t.tripId),
    index('bookings_carrier_idx').on(t.carrierOrgId, t.status),
    index('bookings_requester_idx').on(t.requestedByOrgId),
  ],
);

/** Pickup and delivery hand-overs: when, the weighed quantity, and photos (storage keys). */
export const handovers = pgTable(
  'handovers',
  {
    id: text('id').primaryKey(),
    bookingId: text('booking_id')
      .notNull()
      .references(() => bookings.id),
    kind: handoverKind('kind').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    recordedBy: text('recorded_by').references(() => users.id),
    /** Weighed quantity in grams, where weighed. */
    weightGrams: bigint('weight_grams', { mode: 'number' }),
    photos: jsonb('photos')
      .$type<{ key: string; contentType: string; bytes: number }[]>()
      .notNull()
      .default([]),
    note: text('note'),
  },
  (t) => [
    check('handovers_weight_positive', sql`${t.weightGrams} is null or ${t.weightGrams} > 0`),
    uniqueIndex('handovers_booking_kind_key').on(t.bookingId, t.kind),
  ],
);

/** A vehicle's temperature logger: it signs its batches with HMAC-SHA256 under `secret`. */
export const telemetryDevices = pgTable('telemetry_devices', {
  id: text('id').primaryKey(),
  vehicleId: text('vehicle_id')
    .notNull()
    .unique()
    .references(() => vehicles.id),
  secret: text('secret').notNull(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Readings per vehicle; a shipment's readings are its vehicle's between pickup and delivery. */
export const telemetryReadings = pgTable(
  'telemetry_readings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deviceId: text('device_id')
      .notNull()
      .references(() => telemetryDevices.id),
    vehicleId: text('vehicle_id')
      .notNull()
      .references(() => vehicles.id),
    at: timestamp('at', { withTimezone: true }).notNull(),
    tempC: doublePrecision('temp_c').notNull(),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('telemetry_temp_plausible', sql`${t.tempC} between -60 and 80`),
    // A batch posted twice stores each reading once.
    uniqueIndex('telemetry_device_at_key').on(t.deviceId, t.at),
    index('telemetry_vehicle_at_idx').on(t.vehicleId, t.at),
  ],
);

/** A run of readings outside the class's band longer than the category allows: one row per run. */
export const excursions = pgTable(
  'excursions',
  {
    id: text('id').primaryKey(),
    bookingId: text('booking_id')
      .notNull()
      .references(() => bookings.id),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id),
    tempClass: coldChainClass('temp_class').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }).notNull(),
    minutes: integer('minutes').notNull(),
    minC: doublePrecision('min_c').notNull(),
    maxC: doublePrecision('max_c').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('excursions_run_key').on(t.bookingId, t.startedAt),
    index('excursions_order_idx').on(t.orderId),
  ],
);

/**
 * A lot's trace: one GS1 EPCIS 2.0 event per step (the `event` document is what exports carry);
 * the other columns are the public page's and the CSV's key data elements.
 */
export const traceEvents = pgTable(
  'trace_events',
  {
    id: text('id').primaryKey(),
    listingId: text('listing_id')
      .notNull()
      .references(() => listings.id),
    orderId: text('order_id').references(() => orders.id),
    bookingId: text('booking_id').references(() => bookings.id),
    /** harvest | inspection | packing | shipping | receiving | weighing | sale */
    step: text('step').notNull(),
    eventTime: timestamp('event_time', { withTimezone: true }).notNull(),
    bizStep: text('biz_step').notNull(),
    /** A public place name (a pond, a market, a city), never a person's address. */
    place: text('place'),
    event: jsonb('event').$type<Record<string, unknown>>().notNull(),
    /** One event per step and subject (lot, order, booking, certificate): a repeated hook records nothing twice. */
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('trace_events_dedupe_key').on(t.dedupeKey),
    index('trace_events_listing_idx').on(t.listingId, t.eventTime),
    index('trace_events_time_idx').on(t.eventTime),
  ],
);

export type Vehicle = typeof vehicles.$inferSelect;
export type ColdRoom = typeof coldRooms.$inferSelect;
export type Trip = typeof trips.$inferSelect;
export type Booking = typeof bookings.$inferSelect;
export type BookingStatus = (typeof bookingStatus.enumValues)[number];
export type Handover = typeof handovers.$inferSelect;
export type TelemetryDevice = typeof telemetryDevices.$inferSelect;
export type TelemetryReading = typeof telemetryReadings.$inferSelect;
export type Excursion = typeof excursions.$inferSelect;
export type TraceEvent = typeof traceEvents.$inferSelect;
