// A temperature logger posts a signed batch of readings here (POST only); see app/coldchain/telemetry.server.ts.
import type { ActionFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { ingestBatch } from '~/coldchain/telemetry.server';
import { bodyRefusal } from '~/lib/forms.server';

/** Two thousand readings with positions fit well within this. */
const MAX_BODY_BYTES = 256 * 1024;

export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') {
    return new Response('Method not allowed', { status: 405, headers: { Allow: 'POST' } });
  }
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) {
    return new Response('Payload too large', { status: 413 });
  }
  // The raw text, byte for byte: the signature covers it.
  const body = await request.text().catch((error: unknown) => {
    // Over the route's body limit while it streamed in (app/lib/body-limit.server.ts): 413, not 500.
    throw bodyRefusal(error) ?? error;
  });
  if (body.length > MAX_BODY_BYTES) return new Response('Payload too large', { status: 413 });
  const result = await ingestBatch({
    deviceId: params.deviceId ?? null,
    timestamp: request.headers.get('x-timestamp'),
    signature: request.headers.get('x-signature'),
    body,
  });
  const headers = { 'Cache-Control': 'no-store' };
  if (result.status === 202)
    return json({ stored: result.stored, excursions: result.excursions }, { status: 202, headers });
  return json({ error: result.error }, { status: result.status, headers });
}

export function loader() {
  return new Response('Method not allowed', { status: 405, headers: { Allow: 'POST' } });
}
