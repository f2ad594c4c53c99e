// Org webhooks: the URL rule (http(s), no private addresses: checked at save AND at send time), the
// HMAC-SHA256 signature, and one signed POST (docs/decisions/0019-signed-org-webhooks.md).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { lookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { orgWebhooks } from '../../db/schema';
import { env } from '../lib/env.server';
import { newId } from '../lib/ids';

const SIGNATURE_HEADER = 'x-wharf-signature';
const TIMESTAMP_HEADER = 'x-wharf-timestamp';
const DELIVERY_HEADER = 'x-wharf-delivery';
export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * The outbound address policy (ADR 0025): a webhook may reach only globally routable unicast addresses,
 * as ipaddr.js names them. IPv4 written inside IPv6 (mapped ::ffff:a.b.c.d, the deprecated compatible
 * ::a.b.c.d, NAT64 64:ff9b::/96) is judged as the IPv4 address it carries.
 */
export function isPublicAddress(address: string): boolean {
  if (!isIP(address)) return false;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return false;
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    const parts = v6.parts;
    const embedded = () => ipaddr.fromByteArray(v6.toByteArray().slice(12)) as ipaddr.IPv4;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
    else if (v6.range() === 'rfc6052') parsed = embedded();
    // ::a.b.c.d (RFC 4291's deprecated IPv4-compatible form): the first 96 bits are zero.
    else if (parts.slice(0, 6).every((part) => part === 0)) parsed = embedded();
    // 64:ff9b:1::/48, local-use NAT64 (RFC 8215): the IPv4 address may sit anywhere; never public.
    else if (parts[0] === 0x64 && parts[1] === 0xff9b && parts[2] === 1) return false;
  }
  return parsed.range() === 'unicast';
}

export function isPrivateAddress(address: string): boolean {
  return !isPublicAddress(address);
}

type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemLookup: LookupAll = (hostname) =>
  new Promise((resolve, reject) =>
    lookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

let resolver: LookupAll = systemLookup;

/** Replaces DNS for webhook URLs (the tests' rebinding resolver); without an argument restores the system's. */
export function setWebhookResolver(next?: LookupAll): void {
  resolver = next ?? systemLookup;
}

const allowPrivate = () => env().WEBHOOK_ALLOW_PRIVATE === '1';

export type UrlRefusal =
  | 'webhooks.errors.invalid'
  | 'webhooks.errors.scheme'
  | 'webhooks.errors.private'
  | 'webhooks.errors.unresolvable';

async function resolveAll(host: string): Promise<string[]> {
  return (await resolver(host)).map((a) => a.address);
}

/** The save-time check: null when the URL may be used, else the message key of why not. */
export async function checkWebhookUrl(
  raw: string,
  options: { allowPrivate?: boolean } = {},
): Promise<UrlRefusal | null> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return /^[a-z][a-z0-9+.-]*:/i.test(raw.trim()) ? 'webhooks.errors.scheme' : 'webhooks.errors.invalid';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'webhooks.errors.scheme';
  if (!url.hostname || url.username || url.password) return 'webhooks.errors.invalid';
  if (options.allowPrivate ?? allowPrivate()) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolveAll(host);
  } catch {
    return 'webhooks.errors.unresolvable';
  }
  if (addresses.length === 0) return 'webhooks.errors.unresolvable';
  // Every address counts: a name with one public and one private address could be steered to the private one.
  return addresses.some((address) => !isPublicAddress(address)) ? 'webhooks.errors.private' : null;
}

/** `v1=` + hex HMAC-SHA256 over `${timestamp}.${body}`, keyed with the org's secret. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A receiver's check (used by the tests, and the reference the webhooks page describes). */
export function verifyWebhook(
  secret: string,
  headers: { timestamp?: string | null; signature?: string | null },
  body: string,
  { toleranceSeconds = 300, now = Date.now() } = {},
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

export async function webhookOf(tx: DbOrTx, orgId: string) {
  const [row] = await tx.select().from(orgWebhooks).where(eq(orgWebhooks.orgId, orgId));
  return row ?? null;
}

/**
 * Creates or updates the org's webhook (the URL already checked). Returns the secret when one was
 * made, the only time it is shown.
 */
export async function saveWebhook(
  tx: DbOrTx,
  input: { orgId: string; url: string; enabled: boolean; userId: string },
): Promise<{ secret: string | null }> {
  const secret = newWebhookSecret();
  const [row] = await tx
    .insert(orgWebhooks)
    .values({
      id: newId('whk'),
      orgId: input.orgId,
      url: input.url.trim(),
      secret,
      enabled: input.enabled,
      updatedBy: input.userId,
    })
    .onConflictDoUpdate({
      target: orgWebhooks.orgId,
      set: { url: input.url.trim(), enabled: input.enabled, updatedBy: input.userId, updatedAt: new Date() },
    })
    .returning({ secret: orgWebhooks.secret });
  return { secret: row.secret === secret ? secret : null };
}

export async function rotateWebhookSecret(tx: DbOrTx, orgId: string, userId: string): Promise<string | null> {
  const secret = newWebhookSecret();
  const rows = await tx
    .update(orgWebhooks)
    .set({ secret, secretRotatedAt: new Date(), updatedBy: userId })
    .where(eq(orgWebhooks.orgId, orgId))
    .returning({ id: orgWebhooks.id });
  return rows.length ? secret : null;
}

export class BlockedAddressError extends Error {}

/**
 * The send-time check against DNS rebinding: the address is judged inside the socket's own lookup,
 * so the address checked is the address connected to (the connection is pinned to it).
 */
const guardedLookup: typeof lookup = ((
  hostname: string,
  options: object,
  callback: (
    error: Error | null,
    address: string | { address: string; family: number }[],
    family?: number,
  ) => void,
) => {
  resolver(hostname).then(
    (list) => {
      if (list.length === 0) return callback(new Error(`no address for ${hostname}`), '', 0);
      if (!allowPrivate() && list.some((a) => !isPublicAddress(a.address)))
        return callback(new BlockedAddressError(`blocked address for ${hostname}`), '', 0);
      if ((options as { all?: boolean }).all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    },
    (error: Error) => callback(error, '', 0),
  );
}) as typeof lookup;

export type PostResult = { statusCode: number | null; error: string | null; durationMs: number };

/** One signed POST; never follows redirects (a redirect could lead to a private address). */
export function postSigned(
  target: string,
  secret: string,
  deliveryId: string,
  body: string,
): Promise<PostResult> {
  const started = Date.now();
  const timestamp = Math.floor(started / 1000);
  return new Promise((resolve) => {
    const done = (statusCode: number | null, error: string | null) =>
      resolve({ statusCode, error, durationMs: Date.now() - started });
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return done(null, 'invalid URL');
    }
    // A literal IP skips DNS, so the send-time rule is applied to it here.
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal) && !allowPrivate() && !isPublicAddress(literal)) return done(null, 'blocked address');
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(
      url,
      {
        method: 'POST',
        lookup: guardedLookup,
        timeout: WEBHOOK_TIMEOUT_MS,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Wharf-Webhooks/1',
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
          [DELIVERY_HEADER]: deliveryId,
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          const code = response.statusCode ?? 0;
          done(code, code >= 200 && code < 300 ? null : `HTTP ${code}`);
        });
        response.on('error', (error) => done(response.statusCode ?? null, error.message));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) =>
      done(null, error instanceof BlockedAddressError ? 'blocked address' : error.message.slice(0, 200)),
    );
    request.end(body);
  });
}
