// The API objects the local Stripe server keeps: the real client's types narrowed to the fields it fills, and their ids.
import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';

export type PaymentIntentObject = Pick<
  Stripe.PaymentIntent,
  | 'id'
  | 'object'
  | 'allowed_payment_method_types'
  | 'amount'
  | 'amount_capturable'
  | 'amount_received'
  | 'automatic_payment_methods'
  | 'canceled_at'
  | 'cancellation_reason'
  | 'capture_method'
  | 'client_secret'
  | 'confirmation_method'
  | 'created'
  | 'currency'
  | 'customer'
  | 'description'
  | 'excluded_payment_method_types'
  | 'last_payment_error'
  | 'latest_charge'
  | 'livemode'
  | 'metadata'
  | 'next_action'
  | 'on_behalf_of'
  | 'payment_method'
  | 'payment_method_types'
  | 'receipt_email'
  | 'statement_descriptor'
  | 'statement_descriptor_suffix'
  | 'status'
  | 'transfer_group'
> & { customer: string | null; latest_charge: string | null; payment_method: string | null };

export type ChargeObject = Pick<
  Stripe.Charge,
  | 'id'
  | 'object'
  | 'amount'
  | 'amount_captured'
  | 'amount_refunded'
  | 'balance_transaction'
  | 'captured'
  | 'created'
  | 'currency'
  | 'customer'
  | 'description'
  | 'failure_code'
  | 'failure_message'
  | 'livemode'
  | 'metadata'
  | 'paid'
  | 'payment_intent'
  | 'payment_method'
  | 'refunded'
  | 'status'
  | 'transfer_group'
> & { payment_intent: string };

export type TransferObject = Pick<
  Stripe.Transfer,
  | 'id'
  | 'object'
  | 'amount'
  | 'amount_reversed'
  | 'balance_transaction'
  | 'created'
  | 'currency'
  | 'description'
  | 'destination'
  | 'destination_payment'
  | 'livemode'
  | 'metadata'
  | 'reversed'
  | 'source_transaction'
  | 'source_type'
  | 'transfer_group'
> & {
  destination: string;
  source_transaction: string | null;
  reversals: { object: 'list'; data: never[]; has_more: false; url: string };
};

export type RefundObject = Pick<
  Stripe.Refund,
  | 'id'
  | 'object'
  | 'amount'
  | 'balance_transaction'
  | 'charge'
  | 'created'
  | 'currency'
  | 'metadata'
  | 'payment_intent'
  | 'reason'
  | 'receipt_number'
  | 'source_transfer_reversal'
  | 'status'
  | 'transfer_reversal'
> & { charge: string; payment_intent: string };

export type CapabilityStatus = 'active' | 'inactive' | 'pending';

export type AccountObject = Pick<
  Stripe.Account,
  | 'id'
  | 'object'
  | 'business_type'
  | 'charges_enabled'
  | 'country'
  | 'created'
  | 'default_currency'
  | 'details_submitted'
  | 'email'
  | 'metadata'
  | 'payouts_enabled'
  | 'type'
> & {
  capabilities: Partial<Record<'card_payments' | 'transfers', CapabilityStatus>>;
  requirements: Pick<
    Stripe.Account.Requirements,
    'currently_due' | 'eventually_due' | 'past_due' | 'pending_verification' | 'disabled_reason'
  >;
};

export type AccountLinkObject = Stripe.AccountLink;

export type CheckoutSessionObject = Pick<
  Stripe.Checkout.Session,
  | 'id'
  | 'object'
  | 'amount_total'
  | 'cancel_url'
  | 'client_reference_id'
  | 'created'
  | 'currency'
  | 'expires_at'
  | 'livemode'
  | 'metadata'
  | 'mode'
  | 'payment_status'
  | 'status'
  | 'success_url'
  | 'url'
> & { payment_intent: string };

export type CustomerObject = Pick<
  Stripe.Customer,
  'id' | 'object' | 'created' | 'description' | 'email' | 'livemode' | 'metadata' | 'name'
>;

/** Every object the server hands out or puts in an event's `data.object`. */
export type ApiObject =
  | PaymentIntentObject
  | ChargeObject
  | TransferObject
  | RefundObject
  | AccountObject
  | CheckoutSessionObject
  | CustomerObject;

export type EventObject = Pick<
  Stripe.EventBase,
  'id' | 'object' | 'api_version' | 'created' | 'livemode' | 'pending_webhooks' | 'request'
> & {
  type: Stripe.Event.Type;
  account?: string;
  data: { object: ApiObject; previous_attributes?: Record<string, unknown> };
};

export type BalanceObject = {
  object: 'balance';
  livemode: false;
  available: { amount: number; currency: string; source_types: { card: number } }[];
  pending: { amount: number; currency: string; source_types: { card: number } }[];
};

export type ListObject<T> = { object: 'list'; data: T[]; has_more: boolean; url: string };

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Stripe-looking ids: a prefix and 24 random alphanumerics (`pi_3Qx…`). */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return `${prefix}_${out}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
