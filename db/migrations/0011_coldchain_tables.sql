CREATE TYPE "public"."booking_status" AS ENUM('requested', 'offered', 'accepted', 'picked_up', 'delivered', 'unmatched', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."handover_kind" AS ENUM('pickup', 'delivery');--> statement-breakpoint
CREATE TABLE "bookings" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"requested_by_org_id" text NOT NULL,
	"requested_by" text NOT NULL,
	"temp_class" "cold_chain_class" NOT NULL,
	"weight_kg" integer NOT NULL,
	"pallets" integer NOT NULL,
	"pickup_place" text NOT NULL,
	"pickup_from" timestamp with time zone NOT NULL,
	"pickup_until" timestamp with time zone NOT NULL,
	"dropoff_place" text NOT NULL,
	"deliver_by" timestamp with time zone NOT NULL,
	"status" "booking_status" DEFAULT 'requested' NOT NULL,
	"trip_id" text,
	"carrier_org_id" text,
	"vehicle_id" text,
	"declined_vehicle_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"extra_km" double precision,
	"note" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bookings_weight_positive" CHECK ("bookings"."weight_kg" > 0),
	CONSTRAINT "bookings_pallets_positive" CHECK ("bookings"."pallets" > 0),
	CONSTRAINT "bookings_pickup_window" CHECK ("bookings"."pickup_until" > "bookings"."pickup_from"),
	CONSTRAINT "bookings_deliver_after_pickup" CHECK ("bookings"."deliver_by" > "bookings"."pickup_from"),
	CONSTRAINT "bookings_trip_when_placed" CHECK (("bookings"."trip_id" is null) = ("bookings"."status" in ('requested', 'unmatched', 'cancelled')))
);
--> statement-breakpoint
CREATE TABLE "cold_rooms" (
	"id" text PRIMARY KEY NOT NULL,
	"carrier_org_id" text NOT NULL,
	"name" text NOT NULL,
	"place" text NOT NULL,
	"temp_class" "cold_chain_class" NOT NULL,
	"capacity_kg" integer NOT NULL,
	"capacity_pallets" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cold_rooms_capacity_kg_positive" CHECK ("cold_rooms"."capacity_kg" > 0),
	CONSTRAINT "cold_rooms_capacity_pallets_positive" CHECK ("cold_rooms"."capacity_pallets" > 0)
);
--> statement-breakpoint
CREATE TABLE "excursions" (
	"id" text PRIMARY KEY NOT NULL,
	"booking_id" text NOT NULL,
	"order_id" text NOT NULL,
	"temp_class" "cold_chain_class" NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone NOT NULL,
	"minutes" integer NOT NULL,
	"min_c" double precision NOT NULL,
	"max_c" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "handovers" (
	"id" text PRIMARY KEY NOT NULL,
	"booking_id" text NOT NULL,
	"kind" "handover_kind" NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"recorded_by" text,
	"weight_grams" bigint,
	"photos" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"note" text,
	CONSTRAINT "handovers_weight_positive" CHECK ("handovers"."weight_grams" is null or "handovers"."weight_grams" > 0)
);
--> statement-breakpoint
CREATE TABLE "telemetry_devices" (
	"id" text PRIMARY KEY NOT NULL,
	"vehicle_id" text NOT NULL,
	"secret" text NOT NULL,
	"last_seen_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "telemetry_devices_vehicle_id_unique" UNIQUE("vehicle_id")
);
--> statement-breakpoint
CREATE TABLE "telemetry_readings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"device_id" text NOT NULL,
	"vehicle_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"temp_c" double precision NOT NULL,
	"lat" double precision,
	"lng" double precision,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "telemetry_temp_plausible" CHECK ("telemetry_readings"."temp_c" between -60 and 80)
);
--> statement-breakpoint
CREATE TABLE "trace_events" (
	"id" text PRIMARY KEY NOT NULL,
	"listing_id" text NOT NULL,
	"order_id" text,
	"booking_id" text,
	"step" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"biz_step" text NOT NULL,
	"place" text,
	"event" jsonb NOT NULL,
	"dedupe_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trips" (
	"id" text PRIMARY KEY NOT NULL,
	"vehicle_id" text NOT NULL,
	"carrier_org_id" text NOT NULL,
	"service_date" date NOT NULL,
	"capacity_kg" integer NOT NULL,
	"capacity_pallets" integer NOT NULL,
	"used_kg" integer DEFAULT 0 NOT NULL,
	"used_pallets" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trips_kg_within_capacity" CHECK ("trips"."used_kg" >= 0 and "trips"."used_kg" <= "trips"."capacity_kg"),
	CONSTRAINT "trips_pallets_within_capacity" CHECK ("trips"."used_pallets" >= 0 and "trips"."used_pallets" <= "trips"."capacity_pallets")
);
--> statement-breakpoint
CREATE TABLE "vehicles" (
	"id" text PRIMARY KEY NOT NULL,
	"carrier_org_id" text NOT NULL,
	"plate" text NOT NULL,
	"temp_class" "cold_chain_class" NOT NULL,
	"capacity_kg" integer NOT NULL,
	"capacity_pallets" integer NOT NULL,
	"home_base" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"available_from" date,
	"available_until" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vehicles_capacity_kg_positive" CHECK ("vehicles"."capacity_kg" > 0),
	CONSTRAINT "vehicles_capacity_pallets_positive" CHECK ("vehicles"."capacity_pallets" > 0),
	CONSTRAINT "vehicles_availability_order" CHECK ("vehicles"."available_from" is null or "vehicles"."available_until" is null or "vehicles"."available_from" <= "vehicles"."available_until")
);
--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_requested_by_org_id_organisations_id_fk" FOREIGN KEY ("requested_by_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_trip_id_trips_id_fk" FOREIGN KEY ("trip_id") REFERENCES "public"."trips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_carrier_org_id_organisations_id_fk" FOREIGN KEY ("carrier_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cold_rooms" ADD CONSTRAINT "cold_rooms_carrier_org_id_organisations_id_fk" FOREIGN KEY ("carrier_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursions" ADD CONSTRAINT "excursions_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "excursions" ADD CONSTRAINT "excursions_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handovers" ADD CONSTRAINT "handovers_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handovers" ADD CONSTRAINT "handovers_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "telemetry_devices" ADD CONSTRAINT "telemetry_devices_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "telemetry_readings" ADD CONSTRAINT "telemetry_readings_device_id_telemetry_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."telemetry_devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "telemetry_readings" ADD CONSTRAINT "telemetry_readings_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trace_events" ADD CONSTRAINT "trace_events_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trace_events" ADD CONSTRAINT "trace_events_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trace_events" ADD CONSTRAINT "trace_events_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trips" ADD CONSTRAINT "trips_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trips" ADD CONSTRAINT "trips_carrier_org_id_organisations_id_fk" FOREIGN KEY ("carrier_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vehicles" ADD CONSTRAINT "vehicles_carrier_org_id_organisations_id_fk" FOREIGN KEY ("carrier_org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bookings_order_key" ON "bookings" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "bookings_trip_idx" ON "bookings" USING btree ("trip_id");--> statement-breakpoint
CREATE INDEX "bookings_carrier_idx" ON "bookings" USING btree ("carrier_org_id","status");--> statement-breakpoint
CREATE INDEX "bookings_requester_idx" ON "bookings" USING btree ("requested_by_org_id");--> statement-breakpoint
CREATE INDEX "cold_rooms_carrier_idx" ON "cold_rooms" USING btree ("carrier_org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "excursions_run_key" ON "excursions" USING btree ("booking_id","started_at");--> statement-breakpoint
CREATE INDEX "excursions_order_idx" ON "excursions" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "handovers_booking_kind_key" ON "handovers" USING btree ("booking_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "telemetry_device_at_key" ON "telemetry_readings" USING btree ("device_id","at");--> statement-breakpoint
CREATE INDEX "telemetry_vehicle_at_idx" ON "telemetry_readings" USING btree ("vehicle_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "trace_events_dedupe_key" ON "trace_events" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "trace_events_listing_idx" ON "trace_events" USING btree ("listing_id","event_time");--> statement-breakpoint
CREATE INDEX "trace_events_time_idx" ON "trace_events" USING btree ("event_time");--> statement-breakpoint
CREATE UNIQUE INDEX "trips_vehicle_day_key" ON "trips" USING btree ("vehicle_id","service_date");--> statement-breakpoint
CREATE INDEX "trips_carrier_idx" ON "trips" USING btree ("carrier_org_id","service_date");--> statement-breakpoint
CREATE UNIQUE INDEX "vehicles_plate_key" ON "vehicles" USING btree ("plate");--> statement-breakpoint
CREATE INDEX "vehicles_carrier_idx" ON "vehicles" USING btree ("carrier_org_id");