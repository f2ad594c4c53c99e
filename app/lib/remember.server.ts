// Keeps one instance of a process-wide resource (pools, clients) across dev rebuilds and duplicate module graphs.
const store = globalThis as unknown as { __wharf?: Map<string, unknown> };

export function remember<T>(name: string, make: () => T): T {
  store.__wharf ??= new Map();
  if (!store.__wharf.has(name)) store.__wharf.set(name, make());
  return store.__wharf.get(name) as T;
}

export function forget(name: string): void {
  store.__wharf?.delete(name);
}
