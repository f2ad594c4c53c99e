// In-memory state of the local Stripe server and the rules each API call and simulated customer action follows.
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { cardDeclined, invalidParam, noSuchResource, refused } from './errors';
import {
  type FormObject,
  allowOnly,
  applyMetadata,
  nullableString,
  optionalBoolean,
  optionalCurrency,
  optionalEnum,
  optionalInteger,
  optionalMetadata,
  optionalObject,
  optionalString,
  optionalStringArray,
  requiredCurrency,
  requiredInteger,
  requiredString,
} from './form';
import {
  type AccountLinkObject,
  type AccountObject,
  type ApiObject,
  type BalanceObject,
  type ChargeObject,
  type CheckoutSessionObject,
  type CustomerObject,
  type EventObject,
  type ListObject,
  type PaymentIntentObject,
  type RefundObject,
  type TransferObject,
  newId,
  nowSeconds,
} from './objects';

/** Who caused a change: an API request (its id and idempotency key), or a simulated customer/Stripe action. */
export type Cause = { requestId: string | null; idempotencyKey: string | null };
export const SIMULATED: Cause = { requestId: null, idempotencyKey: null };

type AccountLinkRecord = {
  token: string;
  account: string;
  type: string;
  refreshUrl: string | null;
  returnUrl: string | null;
  expiresAt: number;
  /** Stripe's links are single-use: a second visit goes to refresh_url. */
  visited: boolean;
  used: boolean;
};

/** Stripe keeps a Checkout Session open for 24 hours unless told otherwise. */
const CHECKOUT_SESSION_SECONDS = 24 * 60 * 60;

// Test payment methods Stripe documents (pm_card_visa…), and what confirming with each one does.
const TEST_CARDS: Record<string, { outcome: 'succeed' } | { outcome: 'decline'; declineCode: string }> = {
  pm_card_visa: { outcome: 'succeed' },
  pm_card_mastercard: { outcome: 'succeed' },
  pm_card_amex: { outcome: 'succeed' },
  pm_card_unionpay: { outcome: 'succeed' },
  pm_card_bypassPending: { outcome: 'succeed' },
  pm_card_chargeDeclined: { outcome: 'decline', declineCode: 'generic_decline' },
  pm_card_chargeDeclinedInsufficientFunds: { outcome: 'decline', declineCode: 'insufficient_funds' },
  pm_card_chargeDeclinedFraudulent: { outcome: 'decline', declineCode: 'fraudulent' },
};

type ConfirmPlan =
  | { kind: 'card'; paymentMethod: string; outcome: 'succeed' }
  | { kind: 'card'; paymentMethod: string; outcome: 'decline'; declineCode: string }
  | { kind: 'bank_transfer'; transferType: string };

const ZERO_DECIMAL = new Set([
  'jpy',
  'krw',
  'vnd',
  'clp',
  'pyg',
  'ugx',
  'xaf',
  'xof',
  'bif',
  'djf',
  'gnf',
  'kmf',
]);

/** `CNY 420.00`: an amount in minor units as people read it. */
export function formatAmount(amount: number, currency: string): string {
  const major = ZERO_DECIMAL.has(currency) ? String(amount) : (amount / 100).toFixed(2);
  return `${currency.toUpperCase()} ${major}`;
}

const CANCELABLE = [
  'requires_payment_method',
  'requires_capture',
  'requires_confirmation',
  'requires_action',
];
const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

export type StoreOptions = {
  baseUrl: () => string;
  holdFundsAsPending: boolean;
  onEvent: (event: EventObject) => void;
};

export class StripeStore {
  readonly paymentIntents = new Map<string, PaymentIntentObject>();
  readonly charges = new Map<string, ChargeObject>();
  readonly transfers = new Map<string, TransferObject>();
  readonly refunds = new Map<string, RefundObject>();
  readonly accounts = new Map<string, AccountObject>();
  readonly customers = new Map<string, CustomerObject>();
  readonly events = new Map<string, EventObject>();
  readonly available = new Map<string, number>();
  readonly pending = new Map<string, number>();
  private readonly accountLinks = new Map<string, AccountLinkRecord>();
  readonly checkoutSessions = new Map<string, CheckoutSessionObject>();
  /** Hosted-page token → session id: the page's URL does not reveal the session id. */
  private readonly checkoutTokens = new Map<string, string>();
  private readonly pendingCharges = new Set<string>();

  constructor(private readonly options: StoreOptions) {}

  // ---- events -------------------------------------------------------------------------------

  private emit(
    type: Stripe.Event.Type,
    object: ApiObject,
    cause: Cause,
    extra: { account?: string; previous?: Record<string, unknown> } = {},
  ): EventObject {
    const event: EventObject = {
      id: newId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: nowSeconds(),
      data: {
        object: structuredClone(object),
        ...(extra.previous ? { previous_attributes: extra.previous } : {}),
      },
      livemode: false,
      pending_webhooks: 0,
      request: { id: cause.requestId, idempotency_key: cause.idempotencyKey },
      type,
      ...(extra.account ? { account: extra.account } : {}),
    };
    this.events.set(event.id, event);
    this.options.onEvent(event);
    return event;
  }

  event(id: string): EventObject {
    const event = this.events.get(id);
    if (!event) throw noSuchResource('event', id);
    return event;
  }

  listEvents(params: FormObject): ListObject<EventObject> {
    allowOnly(params, ['type', 'types', 'limit', 'starting_after', 'ending_before', 'created']);
    const type = optionalString(params, 'type');
    const types = optionalStringArray(params, 'types');
    const matches = [...this.events.values()].filter(
      (event) => (!type || matchesEventType(event.type, type)) && (!types || types.includes(event.type)),
    );
    return paginate(matches, params, '/v1/events');
  }

  // ---- balance ------------------------------------------------------------------------------

  private credit(bucket: Map<string, number>, currency: string, amount: number) {
    bucket.set(currency, (bucket.get(currency) ?? 0) + amount);
  }

  balance(): BalanceObject {
    const render = (bucket: Map<string, number>) =>
      [...bucket].map(([currency, amount]) => ({ amount, currency, source_types: { card: amount } }));
    return {
      object: 'balance',
      livemode: false,
      available: render(this.available),
      pending: render(this.pending),
    };
  }

  /** Moves every pending fund to available, as Stripe does when the payout schedule's delay passes. */
  releasePendingFunds(): BalanceObject {
    for (const [currency, amount] of this.pending) this.credit(this.available, currency, amount);
    this.pending.clear();
    this.pendingCharges.clear();
    return this.balance();
  }

  // ---- customers ----------------------------------------------------------------------------

  createCustomer(params: FormObject): CustomerObject {
    allowOnly(params, ['email', 'name', 'description', 'metadata']);
    const customer: CustomerObject = {
      id: newId('cus', 14),
      object: 'customer',
      created: nowSeconds(),
      description: nullableString(params, 'description') ?? null,
      email: nullableString(params, 'email') ?? null,
      livemode: false,
      metadata: applyMetadata({}, optionalMetadata(params)),
      name: nullableString(params, 'name') ?? null,
    };
    this.customers.set(customer.id, customer);
    return customer;
  }

  customer(id: string, param = 'id', status = 404): CustomerObject {
    const customer = this.customers.get(id);
    if (!customer) throw noSuchResource('customer', id, param, status);
    return customer;
  }

  // ---- payment intents ----------------------------------------------------------------------

  paymentIntent(id: string, param = 'intent', status = 404): PaymentIntentObject {
    const paymentIntent = this.paymentIntents.get(id);
    if (!paymentIntent) throw noSuchResource('payment_intent', id, param, status);
    return paymentIntent;
  }

  createPaymentIntent(params: FormObject, cause: Cause): PaymentIntentObject {
    rejectRemovedParams(params);
    allowOnly(params, [
      'amount',
      'currency',
      'customer',
      'description',
      'metadata',
      'allowed_payment_method_types',
      'excluded_payment_method_types',
      'automatic_payment_methods',
      'transfer_group',
      'receipt_email',
      'statement_descriptor',
      'statement_descriptor_suffix',
      'capture_method',
      'confirmation_method',
      'confirm',
      'payment_method',
      'payment_method_data',
      'payment_method_options',
      'on_behalf_of',
      'return_url',
    ]);
    const amount = requiredInteger(params, 'amount', { min: 1 });
    const currency = requiredCurrency(params, 'currency');
    const customerId = nullableString(params, 'customer') ?? null;
    if (customerId) this.customer(customerId, 'customer', 400);
    const onBehalfOf = nullableString(params, 'on_behalf_of') ?? null;
    if (onBehalfOf) this.account(onBehalfOf, 'on_behalf_of', 400);
    const captureMethod = optionalEnum(params, 'capture_method', ['automatic', 'automatic_async', 'manual']);
    if (captureMethod === 'manual') {
      throw invalidParam(
        'capture_method',
        'The local Stripe server does not model manual capture; Wharf holds funds in its own escrow ledger.',
      );
    }
    const confirmationMethod = optionalEnum(params, 'confirmation_method', ['automatic', 'manual']);
    const confirm = optionalBoolean(params, 'confirm') ?? false;
    const metadata = applyMetadata({}, optionalMetadata(params));
    const id = newId('pi');
    const paymentIntent: PaymentIntentObject = {
      id,
      object: 'payment_intent',
      allowed_payment_method_types: null,
      amount,
      amount_capturable: 0,
      amount_received: 0,
      automatic_payment_methods: { enabled: true, allow_redirects: 'always' },
      canceled_at: null,
      cancellation_reason: null,
      capture_method: captureMethod ?? 'automatic_async',
      client_secret: `${id}_secret_${randomBytes(12).toString('hex')}`,
      confirmation_method: confirmationMethod ?? 'automatic',
      created: nowSeconds(),
      currency,
      customer: customerId,
      description: nullableString(params, 'description') ?? null,
      excluded_payment_method_types: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata,
      next_action: null,
      on_behalf_of: onBehalfOf,
      payment_method: null,
      payment_method_types: [],
      receipt_email: nullableString(params, 'receipt_email') ?? null,
      statement_descriptor: nullableString(params, 'statement_descriptor') ?? null,
      statement_descriptor_suffix: nullableString(params, 'statement_descriptor_suffix') ?? null,
      status: 'requires_payment_method',
      transfer_group: nullableString(params, 'transfer_group') ?? null,
    };
    Object.assign(paymentIntent, methodSelection(paymentIntent, params));
    // Validate the confirmation before anything exists, so a bad request creates nothing.
    const plan = confirm ? this.planConfirm(paymentIntent, params) : null;
    this.paymentIntents.set(id, paymentIntent);
    this.emit('payment_intent.created', paymentIntent, cause);
    if (plan) this.applyConfirm(paymentIntent, plan, cause);
    return paymentIntent;
  }

  updatePaymentIntent(id: string, params: FormObject): PaymentIntentObject {
    const paymentIntent = this.paymentIntent(id);
    rejectRemovedParams(params);
    allowOnly(params, [
      'amount',
      'currency',
      'customer',
      'description',
      'metadata',
      'allowed_payment_method_types',
      'excluded_payment_method_types',
      'receipt_email',
      'statement_descriptor',
      'statement_descriptor_suffix',
      'transfer_group',
    ]);
    const amount = optionalInteger(params, 'amount', { min: 1 });
    const currency = optionalCurrency(params, 'currency');
    const customer = nullableString(params, 'customer');
    if (customer) this.customer(customer, 'customer', 400);
    const draft: PaymentIntentObject = {
      ...paymentIntent,
      amount: amount ?? paymentIntent.amount,
      currency: currency ?? paymentIntent.currency,
      customer: customer === undefined ? paymentIntent.customer : customer,
    };
    const methods = methodSelection(draft, params);
    const metadata = applyMetadata(paymentIntent.metadata, optionalMetadata(params));
    const changesPayment =
      amount !== undefined ||
      currency !== undefined ||
      params.allowed_payment_method_types !== undefined ||
      params.excluded_payment_method_types !== undefined;
    if (changesPayment && !CONFIRMABLE.includes(paymentIntent.status)) {
      throw refused(
        `You cannot update this PaymentIntent because it has a status of ${paymentIntent.status}.`,
        'payment_intent_unexpected_state',
      );
    }
    Object.assign(paymentIntent, draft, methods, { metadata });
    const description = nullableString(params, 'description');
    if (description !== undefined) paymentIntent.description = description;
    const receiptEmail = nullableString(params, 'receipt_email');
    if (receiptEmail !== undefined) paymentIntent.receipt_email = receiptEmail;
    const descriptor = nullableString(params, 'statement_descriptor');
    if (descriptor !== undefined) paymentIntent.statement_descriptor = descriptor;
    const suffix = nullableString(params, 'statement_descriptor_suffix');
    if (suffix !== undefined) paymentIntent.statement_descriptor_suffix = suffix;
    const transferGroup = nullableString(params, 'transfer_group');
    if (transferGroup !== undefined) paymentIntent.transfer_group = transferGroup;
    const instructions = paymentIntent.next_action?.display_bank_transfer_instructions;
    if (instructions) {
      instructions.amount_remaining = paymentIntent.amount;
      instructions.currency = paymentIntent.currency;
    }
    return paymentIntent;
  }

  confirmPaymentIntent(id: string, params: FormObject, cause: Cause): PaymentIntentObject {
    const paymentIntent = this.paymentIntent(id);
    rejectRemovedParams(params);
    allowOnly(params, [
      'payment_method',
      'payment_method_data',
      'payment_method_options',
      'allowed_payment_method_types',
      'excluded_payment_method_types',
      'return_url',
    ]);
    const draft: PaymentIntentObject = { ...paymentIntent };
    Object.assign(draft, methodSelection(draft, params));
    const plan = this.planConfirm(draft, params);
    Object.assign(paymentIntent, draft);
    this.applyConfirm(paymentIntent, plan, cause);
    return paymentIntent;
  }

  private planConfirm(paymentIntent: PaymentIntentObject, params: FormObject): ConfirmPlan {
    if (!CONFIRMABLE.includes(paymentIntent.status)) {
      throw refused(
        `You cannot confirm this PaymentIntent because it has a status of ${paymentIntent.status}.`,
        'payment_intent_unexpected_state',
      );
    }
    const paymentMethod = optionalString(params, 'payment_method');
    const data = optionalObject(params, 'payment_method_data');
    const dataType = data ? optionalString(data, 'type') : undefined;
    if (dataType === 'customer_balance') {
      if (!paymentIntent.payment_method_types.includes('customer_balance')) {
        throw invalidParam(
          'payment_method_data[type]',
          "customer_balance is not among this PaymentIntent's payment_method_types (see allowed_payment_method_types).",
          'payment_intent_incompatible_payment_method',
        );
      }
      if (!paymentIntent.customer) {
        throw invalidParam(
          'customer',
          'A customer is required to use the customer_balance payment method (bank transfers).',
          'parameter_missing',
        );
      }
      const options = optionalObject(params, 'payment_method_options');
      const balanceOptions = options ? optionalObject(options, 'customer_balance') : undefined;
      const fundingType = balanceOptions ? optionalString(balanceOptions, 'funding_type') : undefined;
      if (fundingType !== 'bank_transfer') {
        throw invalidParam(
          'payment_method_options[customer_balance][funding_type]',
          'Missing required param: payment_method_options[customer_balance][funding_type].',
          'parameter_missing',
        );
      }
      const bankTransfer = balanceOptions ? optionalObject(balanceOptions, 'bank_transfer') : undefined;
      const transferType = bankTransfer ? optionalString(bankTransfer, 'type') : undefined;
      if (!transferType) {
        throw invalidParam(
          'payment_method_options[customer_balance][bank_transfer][type]',
          'Missing required param: payment_method_options[customer_balance][bank_transfer][type].',
          'parameter_missing',
        );
      }
      return { kind: 'bank_transfer', transferType };
    }
    if (dataType !== undefined) {
      throw invalidParam(
        'payment_method_data[type]',
        `The local Stripe server confirms cards with test payment methods (pm_card_visa…) and customer_balance bank transfers, not ${dataType}.`,
      );
    }
    if (!paymentMethod) {
      throw invalidParam(
        'payment_method',
        "You cannot confirm this PaymentIntent because it's missing a payment method. Use a test payment method such as pm_card_visa.",
        'payment_intent_unexpected_state',
      );
    }
    const card = Object.hasOwn(TEST_CARDS, paymentMethod) ? TEST_CARDS[paymentMethod] : undefined;
    if (!card) throw noSuchResource('PaymentMethod', paymentMethod, 'payment_method', 400);
    if (!paymentIntent.payment_method_types.includes('card')) {
      throw invalidParam(
        'payment_method',
        "The PaymentMethod provided (card) is not among this PaymentIntent's payment_method_types (see allowed_payment_method_types).",
        'payment_intent_incompatible_payment_method',
      );
    }
    return card.outcome === 'succeed'
      ? { kind: 'card', paymentMethod, outcome: 'succeed' }
      : { kind: 'card', paymentMethod, outcome: 'decline', declineCode: card.declineCode };
  }

  private applyConfirm(paymentIntent: PaymentIntentObject, plan: ConfirmPlan, cause: Cause) {
    if (plan.kind === 'bank_transfer') {
      paymentIntent.status = 'requires_action';
      paymentIntent.payment_method = newId('pm');
      paymentIntent.next_action = {
        type: 'display_bank_transfer_instructions',
        display_bank_transfer_instructions: {
          amount_remaining: paymentIntent.amount,
          currency: paymentIntent.currency,
          financial_addresses: [],
          hosted_instructions_url: `${this.options.baseUrl()}/bank-transfer/${paymentIntent.id}`,
          reference: randomBytes(5).toString('hex').toUpperCase(),
          type: plan.transferType,
        },
      };
      this.emit('payment_intent.requires_action', paymentIntent, cause);
      return;
    }
    if (plan.outcome === 'succeed') {
      this.settle(paymentIntent, plan.paymentMethod, cause);
      return;
    }
    this.decline(paymentIntent, plan.declineCode, 'Your card was declined.', cause);
    throw cardDeclined('Your card was declined.', plan.declineCode, structuredClone(paymentIntent));
  }

  cancelPaymentIntent(id: string, params: FormObject, cause: Cause): PaymentIntentObject {
    const paymentIntent = this.paymentIntent(id);
    allowOnly(params, ['cancellation_reason']);
    const reason = optionalEnum(params, 'cancellation_reason', [
      'duplicate',
      'fraudulent',
      'requested_by_customer',
      'abandoned',
    ]);
    if (!CANCELABLE.includes(paymentIntent.status)) {
      throw refused(
        `You cannot cancel this PaymentIntent because it has a status of ${paymentIntent.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}, processing.`,
        'payment_intent_unexpected_state',
      );
    }
    paymentIntent.status = 'canceled';
    paymentIntent.canceled_at = nowSeconds();
    paymentIntent.cancellation_reason = reason ?? null;
    paymentIntent.next_action = null;
    this.emit('payment_intent.canceled', paymentIntent, cause);
    return paymentIntent;
  }

  listPaymentIntents(params: FormObject): ListObject<PaymentIntentObject> {
    allowOnly(params, ['customer', 'limit', 'starting_after', 'ending_before', 'created']);
    const customer = optionalString(params, 'customer');
    const matches = [...this.paymentIntents.values()].filter((pi) => !customer || pi.customer === customer);
    return paginate(matches, params, '/v1/payment_intents');
  }

  /** The customer pays: a succeeded charge, funds on the platform balance, charge.succeeded + payment_intent.succeeded. */
  succeedPaymentIntent(id: string): EventObject {
    const paymentIntent = this.paymentIntents.get(id);
    if (!paymentIntent) throw new Error(`succeedPaymentIntent: no PaymentIntent ${id}`);
    if (paymentIntent.status === 'succeeded' || paymentIntent.status === 'canceled') {
      throw new Error(`succeedPaymentIntent: ${id} is already ${paymentIntent.status}`);
    }
    const method = paymentIntent.payment_method ?? newId('pm');
    return this.settle(paymentIntent, method, SIMULATED);
  }

  /** The customer's payment fails: a failed charge, last_payment_error, charge.failed + payment_intent.payment_failed. */
  failPaymentIntent(id: string, options: { declineCode?: string; message?: string } = {}): EventObject {
    const paymentIntent = this.paymentIntents.get(id);
    if (!paymentIntent) throw new Error(`failPaymentIntent: no PaymentIntent ${id}`);
    if (!CONFIRMABLE.includes(paymentIntent.status)) {
      throw new Error(`failPaymentIntent: ${id} is ${paymentIntent.status}`);
    }
    return this.decline(
      paymentIntent,
      options.declineCode ?? 'generic_decline',
      options.message ?? 'Your card was declined.',
      SIMULATED,
    );
  }

  private newCharge(paymentIntent: PaymentIntentObject, paymentMethod: string): ChargeObject {
    return {
      id: newId('ch'),
      object: 'charge',
      amount: paymentIntent.amount,
      amount_captured: 0,
      amount_refunded: 0,
      balance_transaction: null,
      captured: false,
      created: nowSeconds(),
      currency: paymentIntent.currency,
      customer: paymentIntent.customer,
      description: paymentIntent.description,
      failure_code: null,
      failure_message: null,
      livemode: false,
      metadata: { ...paymentIntent.metadata },
      paid: false,
      payment_intent: paymentIntent.id,
      payment_method: paymentMethod,
      refunded: false,
      status: 'pending',
      transfer_group: paymentIntent.transfer_group,
    };
  }

  private settle(paymentIntent: PaymentIntentObject, paymentMethod: string, cause: Cause): EventObject {
    const charge = this.newCharge(paymentIntent, paymentMethod);
    Object.assign(charge, {
      amount_captured: charge.amount,
      balance_transaction: newId('txn'),
      captured: true,
      paid: true,
      status: 'succeeded',
    });
    this.charges.set(charge.id, charge);
    if (this.options.holdFundsAsPending) {
      this.credit(this.pending, charge.currency, charge.amount);
      this.pendingCharges.add(charge.id);
    } else {
      this.credit(this.available, charge.currency, charge.amount);
    }
    Object.assign(paymentIntent, {
      status: 'succeeded',
      amount_received: paymentIntent.amount,
      latest_charge: charge.id,
      payment_method: paymentMethod,
      next_action: null,
      last_payment_error: null,
    });
    this.emit('charge.succeeded', charge, cause);
    return this.emit('payment_intent.succeeded', paymentIntent, cause);
  }

  private decline(
    paymentIntent: PaymentIntentObject,
    declineCode: string,
    message: string,
    cause: Cause,
  ): EventObject {
    const paymentMethod = paymentIntent.payment_method ?? newId('pm');
    const charge = this.newCharge(paymentIntent, paymentMethod);
    Object.assign(charge, { status: 'failed', failure_code: 'card_declined', failure_message: message });
    this.charges.set(charge.id, charge);
    Object.assign(paymentIntent, {
      status: 'requires_payment_method',
      latest_charge: charge.id,
      payment_method: null,
      next_action: null,
      last_payment_error: {
        type: 'card_error',
        code: 'card_declined',
        decline_code: declineCode,
        message,
        charge: charge.id,
        payment_method_type: paymentIntent.payment_method_types[0] ?? 'card',
      },
    });
    this.emit('charge.failed', charge, cause);
    return this.emit('payment_intent.payment_failed', paymentIntent, cause);
  }

  // ---- checkout sessions -------------------------------------------------------------------

  /** A payment-mode Checkout Session: its own PaymentIntent (as Stripe makes one) and a hosted page to pay on. */
  createCheckoutSession(params: FormObject, cause: Cause): CheckoutSessionObject {
    allowOnly(params, [
      'mode',
      'line_items',
      'payment_intent_data',
      'metadata',
      'success_url',
      'cancel_url',
      'client_reference_id',
      'customer_email',
      'expires_at',
    ]);
    const mode = optionalEnum(params, 'mode', ['payment', 'setup', 'subscription']);
    if (!mode) throw invalidParam('mode', 'Missing required param: mode.', 'parameter_missing');
    if (mode !== 'payment') {
      throw invalidParam('mode', 'The local Stripe server only models Checkout in payment mode.');
    }
    const successUrl = requiredString(params, 'success_url');
    const cancelUrl = optionalString(params, 'cancel_url') ?? null;
    for (const [param, url] of [
      ['success_url', successUrl],
      ['cancel_url', cancelUrl],
    ] as const) {
      if (url !== null && !/^https?:\/\//.test(url))
        throw invalidParam(param, `Not a valid URL: ${url}`, 'url_invalid');
    }
    const lines = params.line_items;
    if (!Array.isArray(lines) || lines.length === 0) {
      throw invalidParam('line_items', 'line_items is required in payment mode.', 'parameter_missing');
    }
    let amount = 0;
    let currency: string | null = null;
    lines.forEach((line, index) => {
      const key = `line_items[${index}]`;
      if (typeof line === 'string' || Array.isArray(line)) throw invalidParam(key, `Invalid object: ${key}.`);
      allowOnly(line, ['price_data', 'quantity']);
      const quantity = requiredInteger(line, 'quantity', { min: 1 });
      const priceData = optionalObject(line, 'price_data');
      if (!priceData) {
        throw invalidParam(`${key}[price_data]`, 'The local Stripe server needs price_data (no Prices).');
      }
      allowOnly(priceData, ['currency', 'unit_amount', 'product_data']);
      const lineCurrency = requiredCurrency(priceData, 'currency');
      const productData = optionalObject(priceData, 'product_data');
      if (!productData) {
        throw invalidParam(`${key}[price_data][product_data]`, 'Missing product_data.', 'parameter_missing');
      }
      requiredString(productData, 'name');
      if (currency !== null && currency !== lineCurrency) {
        throw invalidParam(`${key}[price_data][currency]`, 'All line items must share one currency.');
      }
      currency = lineCurrency;
      amount += requiredInteger(priceData, 'unit_amount', { min: 1 }) * quantity;
    });
    const paymentIntentData = optionalObject(params, 'payment_intent_data') ?? {};
    allowOnly(paymentIntentData, ['metadata', 'transfer_group', 'description']);
    // The session's PaymentIntent lives with every other one, so the API and the test actions see it.
    const paymentIntent = this.createPaymentIntent(
      { ...paymentIntentData, amount: String(amount), currency: currency ?? '' },
      cause,
    );
    const created = nowSeconds();
    const token = randomBytes(16).toString('hex');
    const session: CheckoutSessionObject = {
      id: newId('cs_test', 58),
      object: 'checkout.session',
      amount_total: amount,
      cancel_url: cancelUrl,
      client_reference_id: optionalString(params, 'client_reference_id') ?? null,
      created,
      currency,
      expires_at:
        optionalInteger(params, 'expires_at', { min: created + 1 }) ?? created + CHECKOUT_SESSION_SECONDS,
      livemode: false,
      metadata: applyMetadata({}, optionalMetadata(params)),
      mode: 'payment',
      payment_intent: paymentIntent.id,
      payment_status: 'unpaid',
      status: 'open',
      success_url: successUrl,
      url: `${this.options.baseUrl()}/checkout/pay/${token}`,
    };
    this.checkoutSessions.set(session.id, session);
    this.checkoutTokens.set(token, session.id);
    return session;
  }

  /** A session, expired on read once its time has passed (Stripe expires them in the background). */
  checkoutSession(id: string, param = 'session', status = 404): CheckoutSessionObject {
    const session = this.checkoutSessions.get(id);
    if (!session) throw noSuchResource('checkout.session', id, param, status);
    if (session.status === 'open' && (session.expires_at ?? Number.POSITIVE_INFINITY) <= nowSeconds()) {
      this.expireCheckoutSession(session.id);
    }
    return session;
  }

  listCheckoutSessions(params: FormObject): ListObject<CheckoutSessionObject> {
    allowOnly(params, ['payment_intent', 'status', 'limit', 'starting_after', 'ending_before', 'created']);
    const paymentIntent = optionalString(params, 'payment_intent');
    const status = optionalEnum(params, 'status', ['open', 'complete', 'expired']);
    const matches = [...this.checkoutSessions.keys()]
      .map((id) => this.checkoutSession(id))
      .filter(
        (s) => (!paymentIntent || s.payment_intent === paymentIntent) && (!status || s.status === status),
      );
    return paginate(matches, params, '/v1/checkout/sessions');
  }

  /** The session of a hosted page's token, or undefined. */
  checkoutSessionByToken(token: string): CheckoutSessionObject | undefined {
    const id = this.checkoutTokens.get(token);
    return id ? this.checkoutSession(id) : undefined;
  }

  /** Ends an open session unpaid, as Stripe does after expires_at: its PaymentIntent is canceled. */
  expireCheckoutSession(id: string): EventObject {
    const session = this.checkoutSessions.get(id);
    if (!session) throw new Error(`expireCheckoutSession: no session ${id}`);
    if (session.status !== 'open') throw new Error(`expireCheckoutSession: ${id} is ${session.status}`);
    session.status = 'expired';
    const paymentIntent = this.paymentIntents.get(session.payment_intent);
    if (paymentIntent && CANCELABLE.includes(paymentIntent.status)) {
      this.cancelPaymentIntent(paymentIntent.id, {}, SIMULATED);
    }
    return this.emit('checkout.session.expired', session, SIMULATED);
  }

  /** The customer pays on the hosted page: payment_intent.succeeded, then checkout.session.completed. */
  completeCheckoutSession(id: string): EventObject {
    const session = this.checkoutSession(id);
    if (session.status !== 'open') throw new Error(`completeCheckoutSession: ${id} is ${session.status}`);
    this.succeedPaymentIntent(session.payment_intent);
    session.status = 'complete';
    session.payment_status = 'paid';
    return this.emit('checkout.session.completed', session, SIMULATED);
  }

  // ---- charges ------------------------------------------------------------------------------

  charge(id: string, param = 'id', status = 404): ChargeObject {
    const charge = this.charges.get(id);
    if (!charge) throw noSuchResource('charge', id, param, status);
    return charge;
  }

  listCharges(params: FormObject): ListObject<ChargeObject> {
    allowOnly(params, [
      'payment_intent',
      'customer',
      'transfer_group',
      'limit',
      'starting_after',
      'ending_before',
    ]);
    const paymentIntent = optionalString(params, 'payment_intent');
    const transferGroup = optionalString(params, 'transfer_group');
    const matches = [...this.charges.values()].filter(
      (charge) =>
        (!paymentIntent || charge.payment_intent === paymentIntent) &&
        (!transferGroup || charge.transfer_group === transferGroup),
    );
    return paginate(matches, params, '/v1/charges');
  }

  // ---- connected accounts -------------------------------------------------------------------

  account(id: string, param = 'account', status = 404): AccountObject {
    const account = this.accounts.get(id);
    if (!account) throw noSuchResource('account', id, param, status);
    return account;
  }

  createAccount(params: FormObject): AccountObject {
    allowOnly(params, [
      'type',
      'country',
      'email',
      'business_type',
      'business_profile',
      'capabilities',
      'metadata',
      'default_currency',
    ]);
    const type = optionalEnum(params, 'type', ['express', 'standard', 'custom']);
    if (!type) throw invalidParam('type', 'Missing required param: type.', 'parameter_missing');
    const capabilities: AccountObject['capabilities'] = {};
    const requested = optionalObject(params, 'capabilities');
    for (const [name, value] of Object.entries(requested ?? {})) {
      if (name !== 'card_payments' && name !== 'transfers') {
        throw invalidParam(
          `capabilities[${name}]`,
          `The local Stripe server does not model the ${name} capability.`,
        );
      }
      const want =
        typeof value === 'object' && !Array.isArray(value) ? optionalBoolean(value, 'requested') : undefined;
      if (want) capabilities[name] = 'inactive';
    }
    // Express accounts paid by Transfers need the transfers capability; request it when the caller did not.
    capabilities.transfers ??= 'inactive';
    const country = optionalString(params, 'country');
    const account: AccountObject = {
      id: newId('acct', 16),
      object: 'account',
      business_type:
        optionalEnum(params, 'business_type', ['company', 'individual', 'non_profit', 'government_entity']) ??
        null,
      capabilities,
      charges_enabled: false,
      country: country ? country.toUpperCase() : 'US',
      created: nowSeconds(),
      default_currency: optionalCurrency(params, 'default_currency') ?? 'usd',
      details_submitted: false,
      email: nullableString(params, 'email') ?? null,
      metadata: applyMetadata({}, optionalMetadata(params)),
      payouts_enabled: false,
      requirements: {
        currently_due: [
          'business_profile.url',
          'external_account',
          'tos_acceptance.date',
          'tos_acceptance.ip',
        ],
        eventually_due: [
          'business_profile.url',
          'external_account',
          'tos_acceptance.date',
          'tos_acceptance.ip',
        ],
        past_due: ['external_account', 'tos_acceptance.date', 'tos_acceptance.ip'],
        pending_verification: [],
        disabled_reason: 'requirements.past_due',
      },
      type,
    };
    this.accounts.set(account.id, account);
    return account;
  }

  updateAccount(id: string, params: FormObject, cause: Cause): AccountObject {
    const account = this.account(id);
    allowOnly(params, ['email', 'metadata', 'business_profile', 'business_type', 'default_currency']);
    const previous: Record<string, unknown> = {};
    const metadata = optionalMetadata(params);
    if (metadata) {
      previous.metadata = { ...account.metadata };
      account.metadata = applyMetadata(account.metadata ?? {}, metadata);
    }
    const email = nullableString(params, 'email');
    if (email !== undefined) {
      previous.email = account.email;
      account.email = email;
    }
    const currency = optionalCurrency(params, 'default_currency');
    if (currency !== undefined) {
      previous.default_currency = account.default_currency;
      account.default_currency = currency;
    }
    if (Object.keys(previous).length > 0) {
      this.emit('account.updated', account, cause, { account: account.id, previous });
    }
    return account;
  }

  listAccounts(params: FormObject): ListObject<AccountObject> {
    allowOnly(params, ['limit', 'starting_after', 'ending_before', 'created']);
    return paginate([...this.accounts.values()], params, '/v1/accounts');
  }

  createAccountLink(params: FormObject): AccountLinkObject {
    allowOnly(params, ['account', 'type', 'refresh_url', 'return_url', 'collect', 'collection_options']);
    const accountId = requiredString(params, 'account');
    const type = optionalEnum(params, 'type', ['account_onboarding', 'account_update']);
    if (!type) throw invalidParam('type', 'Missing required param: type.', 'parameter_missing');
    const refreshUrl = optionalString(params, 'refresh_url') ?? null;
    const returnUrl = optionalString(params, 'return_url') ?? null;
    for (const [param, url] of [
      ['refresh_url', refreshUrl],
      ['return_url', returnUrl],
    ] as const) {
      if (url !== null && !/^https?:\/\//.test(url))
        throw invalidParam(param, `Not a valid URL: ${url}`, 'url_invalid');
    }
    this.account(accountId, 'account', 400);
    const created = nowSeconds();
    const record: AccountLinkRecord = {
      token: randomBytes(16).toString('hex'),
      account: accountId,
      type,
      refreshUrl,
      returnUrl,
      expiresAt: created + 300,
      visited: false,
      used: false,
    };
    this.accountLinks.set(record.token, record);
    return {
      object: 'account_link',
      created,
      expires_at: record.expiresAt,
      url: `${this.options.baseUrl()}/connect/onboarding/${record.token}`,
    };
  }

  accountLink(token: string): AccountLinkRecord | undefined {
    return this.accountLinks.get(token);
  }

  /** The seller finishes Express onboarding: capabilities active, charges and payouts enabled, account.updated. */
  completeOnboarding(accountId: string): EventObject {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`completeOnboarding: no account ${accountId}`);
    const previous = {
      capabilities: { ...account.capabilities },
      charges_enabled: account.charges_enabled,
      details_submitted: account.details_submitted,
      payouts_enabled: account.payouts_enabled,
      requirements: structuredClone(account.requirements),
    };
    for (const name of Object.keys(account.capabilities) as (keyof AccountObject['capabilities'])[]) {
      account.capabilities[name] = 'active';
    }
    Object.assign(account, {
      charges_enabled: true,
      details_submitted: true,
      payouts_enabled: true,
      requirements: {
        currently_due: [],
        eventually_due: [],
        past_due: [],
        pending_verification: [],
        disabled_reason: null,
      },
    });
    return this.emit('account.updated', account, SIMULATED, { account: account.id, previous });
  }

  // ---- transfers ----------------------------------------------------------------------------

  transfer(id: string): TransferObject {
    const transfer = this.transfers.get(id);
    if (!transfer) throw noSuchResource('transfer', id);
    return transfer;
  }

  createTransfer(params: FormObject, cause: Cause): TransferObject {
    allowOnly(params, [
      'amount',
      'currency',
      'destination',
      'transfer_group',
      'description',
      'metadata',
      'source_transaction',
    ]);
    const amount = requiredInteger(params, 'amount', { min: 1 });
    const currency = requiredCurrency(params, 'currency');
    const destinationId = requiredString(params, 'destination');
    const sourceId = optionalString(params, 'source_transaction') ?? null;
    const metadata = applyMetadata({}, optionalMetadata(params));
    const destination = this.accounts.get(destinationId);
    if (!destination) throw noSuchResource('destination', destinationId, 'destination', 400);
    const source = sourceId ? this.charge(sourceId, 'source_transaction', 400) : null;
    if (source && (source.status !== 'succeeded' || source.currency !== currency)) {
      throw invalidParam(
        'source_transaction',
        `The source_transaction ${source.id} must be a succeeded charge in ${currency}.`,
        'transfer_source_balance_parameters_mismatch',
      );
    }
    if (destination.capabilities.transfers !== 'active' || !destination.payouts_enabled) {
      throw refused(
        'Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
        'insufficient_capabilities_for_transfer',
        'destination',
      );
    }
    if (source) {
      const used = [...this.transfers.values()]
        .filter((t) => t.source_transaction === source.id)
        .reduce((sum, t) => sum + t.amount, 0);
      const remaining = source.amount - source.amount_refunded - used;
      if (amount > remaining) {
        throw refused(
          `Transfer amount (${formatAmount(amount, currency)}) exceeds what remains of source_transaction ${source.id} (${formatAmount(remaining, currency)}).`,
          'amount_too_large',
          'amount',
        );
      }
      const bucket = this.pendingCharges.has(source.id) ? this.pending : this.available;
      this.credit(bucket, currency, -amount);
    } else {
      const available = this.available.get(currency) ?? 0;
      if (amount > available) {
        throw refused(
          'You have insufficient funds in your Stripe account. One likely reason you have insufficient funds is that your funds are automatically being paid out; try enabling manual payouts. (Local Stripe server: succeeded PaymentIntents minus transfers minus refunds.)',
          'balance_insufficient',
        );
      }
      this.credit(this.available, currency, -amount);
    }
    const id = newId('tr');
    const transfer: TransferObject = {
      id,
      object: 'transfer',
      amount,
      amount_reversed: 0,
      balance_transaction: newId('txn'),
      created: nowSeconds(),
      currency,
      description: nullableString(params, 'description') ?? null,
      destination: destination.id,
      destination_payment: newId('py'),
      livemode: false,
      metadata,
      reversals: { object: 'list', data: [], has_more: false, url: `/v1/transfers/${id}/reversals` },
      reversed: false,
      source_transaction: source ? source.id : null,
      source_type: 'card',
      transfer_group: nullableString(params, 'transfer_group') ?? null,
    };
    this.transfers.set(id, transfer);
    this.emit('transfer.created', transfer, cause);
    return transfer;
  }

  listTransfers(params: FormObject): ListObject<TransferObject> {
    allowOnly(params, [
      'destination',
      'transfer_group',
      'limit',
      'starting_after',
      'ending_before',
      'created',
    ]);
    const destination = optionalString(params, 'destination');
    const group = optionalString(params, 'transfer_group');
    const matches = [...this.transfers.values()].filter(
      (t) => (!destination || t.destination === destination) && (!group || t.transfer_group === group),
    );
    return paginate(matches, params, '/v1/transfers');
  }

  // ---- refunds ------------------------------------------------------------------------------

  refund(id: string): RefundObject {
    const refund = this.refunds.get(id);
    if (!refund) throw noSuchResource('refund', id);
    return refund;
  }

  createRefund(params: FormObject, cause: Cause): RefundObject {
    allowOnly(params, ['payment_intent', 'charge', 'amount', 'reason', 'metadata']);
    const paymentIntentId = optionalString(params, 'payment_intent');
    const chargeId = optionalString(params, 'charge');
    if (!paymentIntentId && !chargeId) {
      throw invalidParam(
        'payment_intent',
        'One of the following params should be provided for this request: payment_intent or charge.',
        'parameter_missing',
      );
    }
    const amountParam = optionalInteger(params, 'amount', { min: 1 });
    const reason = optionalEnum(params, 'reason', ['duplicate', 'fraudulent', 'requested_by_customer']);
    const metadata = applyMetadata({}, optionalMetadata(params));
    let charge: ChargeObject | null = null;
    if (paymentIntentId) {
      const paymentIntent = this.paymentIntent(paymentIntentId, 'payment_intent', 400);
      if (paymentIntent.status !== 'succeeded' || !paymentIntent.latest_charge) {
        throw refused(
          `This PaymentIntent (${paymentIntent.id}) does not have a successful charge to refund.`,
          'charge_not_refundable',
          'payment_intent',
        );
      }
      charge = this.charge(paymentIntent.latest_charge);
      if (chargeId && chargeId !== charge.id) {
        throw invalidParam('charge', `The charge ${chargeId} does not belong to ${paymentIntent.id}.`);
      }
    } else if (chargeId) {
      charge = this.charge(chargeId, 'charge', 400);
    }
    if (!charge || charge.status !== 'succeeded') {
      throw refused(
        'This charge cannot be refunded because it did not succeed.',
        'charge_not_refundable',
        'charge',
      );
    }
    if (charge.refunded) {
      throw refused(`Charge ${charge.id} has already been refunded.`, 'charge_already_refunded', 'charge');
    }
    const remaining = charge.amount_captured - charge.amount_refunded;
    const amount = amountParam ?? remaining;
    if (amount > remaining) {
      throw refused(
        `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
        'amount_too_large',
        'amount',
      );
    }
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount_captured;
    this.credit(this.available, charge.currency, -amount);
    const refund: RefundObject = {
      id: newId('re'),
      object: 'refund',
      amount,
      balance_transaction: newId('txn'),
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      metadata,
      payment_intent: charge.payment_intent,
      reason: reason ?? null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    };
    this.refunds.set(refund.id, refund);
    this.emit('refund.created', refund, cause);
    this.emit('charge.refunded', charge, cause, { previous });
    return refund;
  }

  listRefunds(params: FormObject): ListObject<RefundObject> {
    allowOnly(params, ['payment_intent', 'charge', 'limit', 'starting_after', 'ending_before', 'created']);
    const paymentIntent = optionalString(params, 'payment_intent');
    const charge = optionalString(params, 'charge');
    const matches = [...this.refunds.values()].filter(
      (r) => (!paymentIntent || r.payment_intent === paymentIntent) && (!charge || r.charge === charge),
    );
    return paginate(matches, params, '/v1/refunds');
  }
}

// The payment methods this local account offers through dynamic payment methods, and when each one is usable.
const OFFERED_METHODS = ['card', 'customer_balance'];
const BANK_TRANSFER_CURRENCIES = ['eur', 'gbp', 'jpy', 'mxn', 'usd'];

function usableMethod(type: string, paymentIntent: PaymentIntentObject): boolean {
  if (type === 'card') return true;
  if (type === 'customer_balance') {
    return paymentIntent.customer !== null && BANK_TRANSFER_CURRENCIES.includes(paymentIntent.currency);
  }
  return false;
}

/** Since API version 2026-09-30.endive Stripe refuses payment_method_types on PaymentIntents. */
function rejectRemovedParams(params: FormObject) {
  if (params.payment_method_types !== undefined) {
    throw invalidParam(
      'payment_method_types',
      `payment_method_types is no longer supported on API version ${Stripe.API_VERSION}. Use allowed_payment_method_types, excluded_payment_method_types or dynamic payment methods.`,
      'payment_method_types_no_longer_supported',
    );
  }
}

type MethodSelection = Pick<
  PaymentIntentObject,
  | 'allowed_payment_method_types'
  | 'excluded_payment_method_types'
  | 'automatic_payment_methods'
  | 'payment_method_types'
>;

/**
 * allowed_payment_method_types picks from every type and silently drops the ones that cannot work for the
 * intent's currency and customer; otherwise dynamic payment methods apply, minus excluded_payment_method_types.
 * The usable list is the read-only payment_method_types. The local server offers card (any currency) and
 * customer_balance bank transfers (eur, gbp, jpy, mxn, usd, with a customer).
 */
function methodSelection(paymentIntent: PaymentIntentObject, params: FormObject): MethodSelection {
  const allowed = optionalStringArray(params, 'allowed_payment_method_types');
  const excluded =
    params.excluded_payment_method_types === ''
      ? null
      : optionalStringArray(params, 'excluded_payment_method_types');
  const automatic = optionalObject(params, 'automatic_payment_methods');
  if (automatic) allowOnly(automatic, ['enabled', 'allow_redirects']);
  if (allowed && (excluded || automatic)) {
    throw invalidParam(
      'allowed_payment_method_types',
      'allowed_payment_method_types cannot be used with excluded_payment_method_types or automatic_payment_methods.',
      'parameters_exclusive',
    );
  }
  if (automatic && optionalBoolean(automatic, 'enabled') === false) {
    throw invalidParam(
      'automatic_payment_methods[enabled]',
      'Without payment_method_types, restrict payment methods with allowed_payment_method_types instead.',
    );
  }
  const selection: MethodSelection = {
    allowed_payment_method_types: paymentIntent.allowed_payment_method_types,
    excluded_payment_method_types: paymentIntent.excluded_payment_method_types,
    automatic_payment_methods: paymentIntent.automatic_payment_methods,
    payment_method_types: [],
  };
  if (allowed) {
    Object.assign(selection, {
      allowed_payment_method_types: allowed,
      excluded_payment_method_types: null,
      automatic_payment_methods: null,
    });
  } else if (excluded !== undefined || automatic) {
    Object.assign(selection, {
      allowed_payment_method_types: null,
      excluded_payment_method_types:
        excluded === undefined ? selection.excluded_payment_method_types : excluded,
      automatic_payment_methods: {
        enabled: true,
        allow_redirects: (automatic && optionalString(automatic, 'allow_redirects')) || 'always',
      },
    });
  }
  const candidates =
    selection.allowed_payment_method_types ??
    OFFERED_METHODS.filter((type) => !(selection.excluded_payment_method_types ?? []).includes(type));
  selection.payment_method_types = candidates.filter((type) => usableMethod(type, paymentIntent));
  if (selection.payment_method_types.length === 0) {
    throw invalidParam(
      'allowed_payment_method_types',
      `No payment method type is available for this PaymentIntent (${paymentIntent.currency}${paymentIntent.customer ? '' : ', no customer'}). The local Stripe server offers card, and customer_balance bank transfers in eur, gbp, jpy, mxn or usd with a customer.`,
      'payment_intent_invalid_parameter',
    );
  }
  return selection;
}

/** Event type patterns as webhook endpoints take them: an exact type, `*`, or `prefix.*`. */
export function matchesEventType(type: string, pattern: string): boolean {
  if (pattern === '*') return true;
  return pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
}

/** Stripe lists: newest first, `limit` 1–100 (default 10), cursors `starting_after` / `ending_before`. */
function paginate<T extends { id: string }>(
  oldestFirst: T[],
  params: FormObject,
  url: string,
): ListObject<T> {
  const limit = optionalInteger(params, 'limit', { min: 1 }) ?? 10;
  if (limit > 100) throw invalidParam('limit', 'This value must be less than or equal to 100.');
  if (params.created !== undefined) {
    throw invalidParam('created', 'The local Stripe server does not filter lists by created.');
  }
  const items = [...oldestFirst].reverse();
  const after = optionalString(params, 'starting_after');
  const before = optionalString(params, 'ending_before');
  let start = 0;
  let end = items.length;
  if (after) {
    const index = items.findIndex((item) => item.id === after);
    if (index < 0) throw noSuchResource('object', after, 'starting_after', 400);
    start = index + 1;
  }
  if (before) {
    const index = items.findIndex((item) => item.id === before);
    if (index < 0) throw noSuchResource('object', before, 'ending_before', 400);
    end = index;
    start = Math.max(start, end - limit);
  }
  const data = items.slice(start, Math.min(end, start + limit));
  const hasMore = before ? start > 0 : start + limit < end;
  return { object: 'list', data, has_more: hasMore, url };
}
