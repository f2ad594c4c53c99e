// Stripe's webhook endpoint (POST only): verify the signature, store the event once by id, queue it, answer fast.
import type { ActionFunctionArgs } from '@remix-run/node';
import { WEBHOOK_MAX_BYTES, receiveStripeWebhook } from '~/payments/stripe.server';
import { bodyRefusal } from '~/lib/forms.server';

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') {
    return new Response('Method not allowed', { status: 405, headers: { Allow: 'POST' } });
  }
  if (Number(request.headers.get('content-length') ?? 0) > WEBHOOK_MAX_BYTES) {
    return new Response('Payload too large', { status: 413 });
  }
  // The raw text, byte for byte: the signature covers it, and any re-serialisation would break it.
  const raw = await request.text().catch((error: unknown) => {
    // Over the route's body limit while it streamed in (app/lib/body-limit.server.ts): 413, not 500.
    throw bodyRefusal(error) ?? error;
  });
  const outcome = await receiveStripeWebhook(raw, request.headers.get('stripe-signature'));
  return new Response(outcome.message, {
    status: outcome.status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}
