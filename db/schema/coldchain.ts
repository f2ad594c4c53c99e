// The coldchain area's tables (see its issue). Export them from here; db/schema/index.ts re-exports this module.
export {};
