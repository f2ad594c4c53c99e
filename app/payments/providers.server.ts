// Payment providers behind one interface: offline (an operator records bank transfers) or Stripe.
import type { Order } from '../../db/schema';
import { env } from '../lib/env.server';
import { remember } from '../lib/remember.server';

export type ProviderName = 'offline' | 'stripe';

export type PaymentProvider = {
  name: ProviderName;
  /** Starts the buyer's payment for an order; returns the provider's reference (a PaymentIntent id). */
  createPayment(order: Order): Promise<{ reference: string } | null>;
  /** Pays the seller's share of an order out; `idempotencyKey` is the ledger transaction's id. */
  payout(
    order: Order,
    input: { amountFen: number; idempotencyKey: string },
  ): Promise<{ reference: string } | null>;
  /** Returns money to the buyer; `idempotencyKey` is the ledger transaction's id. */
  refund(
    order: Order,
    input: { amountFen: number; idempotencyKey: string },
  ): Promise<{ reference: string } | null>;
  /** Converges on a stored webhook event: re-reads the object from the provider and applies it. */
  handleEvent(eventId: string): Promise<Record<string, unknown>>;
};

/**
 * Offline: money moves by bank transfer outside Wharf. The operator records the buyer's transfer and
 * the payout in the console, and the ledger moves the same way; nothing is called here.
 */
export const offlineProvider: PaymentProvider = {
  name: 'offline',
  createPayment: async () => null,
  payout: async () => null,
  refund: async () => null,
  handleEvent: async () => ({ skipped: 'offline provider has no events' }),
};

let stripeFactory: (() => PaymentProvider) | undefined;

/** The Stripe implementation registers itself here (app/payments/stripe.server.ts), keeping this module light. */
export function registerStripeProvider(factory: () => PaymentProvider): void {
  stripeFactory = factory;
}

export function paymentProvider(): PaymentProvider {
  if (!env().STRIPE_SECRET_KEY) return offlineProvider;
  if (!stripeFactory) throw new Error('STRIPE_SECRET_KEY is set but the Stripe provider is not loaded');
  return remember(`stripe-provider:${env().STRIPE_API_BASE ?? 'stripe'}`, stripeFactory);
}

/**
 * The provider an order was placed with: it keeps it whatever the configuration says now, so an offline
 * order's refund never reaches Stripe, and a Stripe order's payout never silently becomes a no-op.
 */
export function providerFor(order: Pick<Order, 'id' | 'provider'>): PaymentProvider {
  // On terms (ADR 0056) the buyer pays by bank transfer, recorded by the operator like an offline payment.
  if (order.provider === 'offline' || order.provider === 'terms') return offlineProvider;
  if (!env().STRIPE_SECRET_KEY)
    throw new Error(`order ${order.id} was placed through Stripe, but STRIPE_SECRET_KEY is not set`);
  return paymentProvider();
}
