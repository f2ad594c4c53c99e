// Stripe's v1 wire format for parameters: bracketed form keys decoded into nested values, and typed readers over them.
import { invalidParam } from './errors';

export type FormValue = string | FormValue[] | FormObject;
export type FormObject = { [key: string]: FormValue };

// Keys under these stay objects even when every key looks like an index (`metadata[0]=…` is a key "0").
const KEYED_PARAMS = new Set(['metadata']);

/** Decodes `a=1&metadata[k]=v&types[0]=card&types[]=x&nested[a][b]=c` into nested objects and arrays. */
export function decodeForm(body: string): FormObject {
  const root: FormObject = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const path = splitKey(rawKey);
    if (!path) throw invalidParam(rawKey, `Invalid parameter name: ${rawKey}`, 'parameter_unknown');
    let node = root;
    for (let i = 0; i < path.length; i += 1) {
      const segment = path[i] === '' ? String(Object.keys(node).length) : path[i];
      if (i === path.length - 1) {
        node[segment] = value;
        break;
      }
      const next = node[segment];
      if (next === undefined || typeof next === 'string') {
        const child: FormObject = {};
        node[segment] = child;
        node = child;
      } else if (Array.isArray(next)) {
        throw invalidParam(rawKey, `Invalid parameter name: ${rawKey}`, 'parameter_unknown');
      } else {
        node = next;
      }
    }
  }
  return normalize(root, '') as FormObject;
}

function splitKey(key: string): string[] | null {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) return null;
  const rest = match[2] ? [...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]) : [];
  return [match[1], ...rest];
}

function normalize(value: FormValue, key: string): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const entries = Object.entries(value).map(([k, v]) => [k, normalize(v, k)] as const);
  const indexed = entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k));
  if (indexed && !KEYED_PARAMS.has(key)) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
  }
  return Object.fromEntries(entries);
}

/** A stable rendering of parameters, so the idempotency layer compares meaning rather than key order. */
export function canonicalParams(value: FormValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalParams).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalParams(value[k])}`).join(',')}}`;
}

/** Rejects any top-level parameter the endpoint does not know, as Stripe does (`parameter_unknown`). */
export function allowOnly(params: FormObject, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (key === 'expand') {
      throw invalidParam(
        'expand',
        'The local Stripe server does not expand objects; retrieve the related object by its id instead.',
      );
    }
    if (!allowed.includes(key)) {
      throw invalidParam(key, `Received unknown parameter: ${key}`, 'parameter_unknown');
    }
  }
}

export function optionalString(params: FormObject, key: string): string | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw invalidParam(key, `Invalid string: ${key} must be a string, not an object or array.`);
  }
  return value;
}

export function requiredString(params: FormObject, key: string): string {
  const value = optionalString(params, key);
  if (value === undefined || value === '') {
    throw invalidParam(key, `Missing required param: ${key}.`, 'parameter_missing');
  }
  return value;
}

/** An empty string means "unset" for nullable fields (Stripe's convention), returned here as null. */
export function nullableString(params: FormObject, key: string): string | null | undefined {
  const value = optionalString(params, key);
  if (value === undefined) return undefined;
  return value === '' ? null : value;
}

export function optionalInteger(params: FormObject, key: string, { min = 0 } = {}): number | undefined {
  const value = optionalString(params, key);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw invalidParam(key, `Invalid integer: ${value}`, 'parameter_invalid_integer');
  }
  const number = Number(value);
  if (number < min) {
    throw invalidParam(
      key,
      `This value must be greater than or equal to ${min} (it currently is '${number}').`,
      'parameter_invalid_integer',
    );
  }
  return number;
}

export function requiredInteger(params: FormObject, key: string, options: { min?: number } = {}): number {
  const value = optionalInteger(params, key, options);
  if (value === undefined) throw invalidParam(key, `Missing required param: ${key}.`, 'parameter_missing');
  return value;
}

export function optionalBoolean(params: FormObject, key: string): boolean | undefined {
  const value = optionalString(params, key);
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidParam(key, `Invalid boolean: ${value}`);
}

export function optionalStringArray(params: FormObject, key: string): string[] | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw invalidParam(key, `Invalid array: ${key} must be a list of strings.`);
  }
  return value;
}

export function optionalObject(params: FormObject, key: string): FormObject | undefined {
  const value = params[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' || Array.isArray(value)) {
    throw invalidParam(key, `Invalid object: ${key} must be a hash.`);
  }
  return value;
}

export function optionalEnum<T extends string>(
  params: FormObject,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const value = optionalString(params, key);
  if (value === undefined) return undefined;
  const found = allowed.find((option) => option === value);
  if (!found) {
    throw invalidParam(key, `Invalid ${key}: must be one of ${allowed.join(', ')}`);
  }
  return found;
}

export function optionalCurrency(params: FormObject, key: string): string | undefined {
  const value = optionalString(params, key);
  if (value === undefined) return undefined;
  if (!/^[a-z]{3}$/i.test(value)) throw invalidParam(key, `Invalid currency: ${value.toLowerCase()}.`);
  return value.toLowerCase();
}

export function requiredCurrency(params: FormObject, key: string): string {
  const value = optionalCurrency(params, key);
  if (value === undefined) throw invalidParam(key, `Missing required param: ${key}.`, 'parameter_missing');
  return value;
}

export type MetadataUpdate = { clear: boolean; set: Record<string, string>; unset: string[] };

/**
 * Stripe's metadata rules: at most 50 keys, keys up to 40 characters, values up to 500;
 * `metadata[key]=` removes one key and `metadata=` removes them all.
 */
export function optionalMetadata(params: FormObject): MetadataUpdate | undefined {
  const value = params.metadata;
  if (value === undefined) return undefined;
  if (value === '') return { clear: true, set: {}, unset: [] };
  if (typeof value === 'string' || Array.isArray(value)) {
    throw invalidParam(
      'metadata',
      'Invalid object: metadata must be a hash of string keys to string values.',
    );
  }
  const update: MetadataUpdate = { clear: false, set: {}, unset: [] };
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw invalidParam(`metadata[${key}]`, 'Metadata values must be strings.');
    }
    if (key.length > 40) {
      throw invalidParam(`metadata[${key}]`, 'Metadata keys can be at most 40 characters long.');
    }
    if (item.length > 500) {
      throw invalidParam(`metadata[${key}]`, 'Metadata values can be at most 500 characters long.');
    }
    if (item === '') update.unset.push(key);
    else update.set[key] = item;
  }
  return update;
}

export function applyMetadata(current: Record<string, string>, update: MetadataUpdate | undefined) {
  if (!update) return { ...current };
  const next: Record<string, string> = update.clear ? {} : { ...current };
  for (const key of update.unset) delete next[key];
  Object.assign(next, update.set);
  if (Object.keys(next).length > 50) {
    throw invalidParam('metadata', 'You can have at most 50 metadata keys.');
  }
  return next;
}
