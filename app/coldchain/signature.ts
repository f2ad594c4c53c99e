// Telemetry signatures: HMAC-SHA256 over the timestamp and the body, as a logger signs and the server checks.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signed message is `<unix seconds>.<raw body>`, so a captured body cannot be replayed with a new time. */
export function signTelemetry(secret: string, timestamp: number | string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export type SignatureCheck = 'ok' | 'stale' | 'bad-signature';

/**
 * Checks a batch's signature and age. A timestamp more than `maxSkewSeconds` away from now (either
 * way) is stale; the comparison of signatures takes the same time whatever they share.
 */
export function checkTelemetrySignature(input: {
  secret: string;
  timestamp: string | null;
  signature: string | null;
  body: string;
  nowMs: number;
  maxSkewSeconds: number;
}): SignatureCheck {
  if (!input.timestamp || !/^\d{1,12}$/.test(input.timestamp) || !input.signature) return 'bad-signature';
  const expected = Buffer.from(signTelemetry(input.secret, input.timestamp, input.body), 'hex');
  const given = Buffer.from(input.signature.replace(/^sha256=/, ''), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad-signature';
  if (Math.abs(input.nowMs / 1000 - Number(input.timestamp)) > input.maxSkewSeconds) return 'stale';
  return 'ok';
}
