// Places: the cities and counties of the market's region with coordinates, for distances in matching and transport.
import { doublePrecision, pgTable, text } from 'drizzle-orm/pg-core';

/** Seeded from app/geo/cities.ts; `nameZh` is what organisations, listings and demands store as their city. */
export const cities = pgTable('cities', {
  id: text('id').primaryKey(),
  nameZh: text('name_zh').notNull().unique(),
  nameEn: text('name_en').notNull(),
  province: text('province').notNull(),
  /** A region of the province (粤西, 珠三角…), for grouping in filters. */
  region: text('region').notNull(),
  lat: doublePrecision('lat').notNull(),
  lng: doublePrecision('lng').notNull(),
});

export type City = typeof cities.$inferSelect;
