// The database schema, one module per area. Migrations are generated from these files (drizzle-kit).
export * from './identity';
export * from './platform';
export * from './listings';
export * from './ledger';
export * from './orders';
export * from './geo';
export * from './auctions';
export * from './demand';
export * from './coldchain';
export * from './trust';
export * from './notify';
export * from './market-data';
export * from './exchange-journal';
export * from './exchange';
export * from './privacy';
export * from './compliance';
export * from './seller-files';
