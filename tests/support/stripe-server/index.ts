// A local Stripe-compatible server for tests: the real `stripe` client talks to it, and it signs and sends webhooks.
import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { type RequestLogEntry, createRequestHandler } from './http';
import type {
  AccountObject,
  BalanceObject,
  ChargeObject,
  CheckoutSessionObject,
  CustomerObject,
  EventObject,
  PaymentIntentObject,
  RefundObject,
  TransferObject,
} from './objects';
import { StripeStore, matchesEventType } from './store';
import {
  type DeliveryAttempt,
  type DeliveryOptions,
  type DeliveryOutcome,
  WebhookDispatcher,
  signPayload,
} from './webhooks';

export type {
  AccountObject,
  BalanceObject,
  ChargeObject,
  CheckoutSessionObject,
  CustomerObject,
  DeliveryAttempt,
  DeliveryOptions,
  DeliveryOutcome,
  EventObject,
  PaymentIntentObject,
  RefundObject,
  RequestLogEntry,
  TransferObject,
};

export const STRIPE_TEST_SECRET_KEY = 'sk_test_wharf';

export type StripeServerOptions = {
  /** Where events are POSTed; without one, events are only stored (deliver later with actions.deliverEvent). */
  webhookUrl?: string;
  /** The endpoint's signing secret; a random `whsec_…` by default. */
  webhookSecret?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Event types sent automatically, like an endpoint's enabled_events; `*` and `prefix.*` work. Default `['*']`. */
  enabledEvents?: readonly string[];
  /** Retries after a failed delivery (non-2xx or unreachable). Default 3. */
  webhookRetries?: number;
  /** First retry delay; doubles each time. Default 50 ms (Stripe waits hours; tests cannot). */
  webhookBackoffMs?: number;
  /** Per-attempt timeout for the receiver's answer. Default 5000 ms. */
  webhookTimeoutMs?: number;
  /**
   * Put paid funds on the pending balance, as real Stripe does for days after a card payment, so a
   * Transfer without source_transaction fails with balance_insufficient until actions.releasePendingFunds().
   * Default false: paid funds are available at once.
   */
  holdFundsAsPending?: boolean;
};

export type DeliverEventOptions = DeliveryOptions & {
  /** How many copies to send. Default 1. */
  times?: number;
  /** Gap between the starts of consecutive copies; 0 (the default) sends them all at once, racing. */
  delayMs?: number;
};

/** Snapshots (deep copies) of what the server holds, oldest first, for assertions. */
export type StripeServerState = {
  readonly paymentIntents: readonly PaymentIntentObject[];
  readonly charges: readonly ChargeObject[];
  readonly transfers: readonly TransferObject[];
  readonly refunds: readonly RefundObject[];
  readonly accounts: readonly AccountObject[];
  readonly customers: readonly CustomerObject[];
  readonly checkoutSessions: readonly CheckoutSessionObject[];
  readonly events: readonly EventObject[];
  readonly balance: BalanceObject;
  /** Every API request: method, path, status, Idempotency-Key, whether it was a replay. */
  readonly requestLog: readonly RequestLogEntry[];
  /** Every webhook delivery attempt, automatic and manual, in the order they finished. */
  readonly deliveries: readonly DeliveryAttempt[];
};

export type StripeServerActions = {
  /** The customer pays: payment_intent.succeeded (after charge.succeeded); funds reach the platform balance. */
  succeedPaymentIntent(id: string): EventObject;
  /** The customer pays on the hosted Checkout page: payment_intent.succeeded, then checkout.session.completed. */
  completeCheckoutSession(id: string): EventObject;
  /** The session's time runs out unpaid: its PaymentIntent is canceled, checkout.session.expired. */
  expireCheckoutSession(id: string): EventObject;
  /** The payment fails: payment_intent.payment_failed (after charge.failed); status back to requires_payment_method. */
  failPaymentIntent(id: string, options?: { declineCode?: string; message?: string }): EventObject;
  /** The seller finishes Express onboarding: charges and payouts enabled, transfers active, account.updated. */
  completeOnboarding(accountId: string): EventObject;
  /** Moves pending funds to available (only matters with holdFundsAsPending). */
  releasePendingFunds(): BalanceObject;
  /** Sends a stored event again: duplicates, racing copies, old timestamps, wrong secrets, tampered bodies. */
  deliverEvent(eventId: string, options?: DeliverEventOptions): Promise<DeliveryOutcome[]>;
  /** Sends the given events one after another, newest first, each after the previous one was answered. */
  redeliverOutOfOrder(eventIds: readonly string[]): Promise<DeliveryOutcome[]>;
};

export type StripeServer = {
  url: string;
  host: '127.0.0.1';
  port: number;
  secretKey: typeof STRIPE_TEST_SECRET_KEY;
  webhookSecret: string;
  /** Settings for `new Stripe(key, config)` that point any client (the app's too) at this server. */
  clientConfig: Stripe.StripeConfig;
  /** A real Stripe client for this server (one per server, made on first use). */
  client(): Stripe;
  state: StripeServerState;
  actions: StripeServerActions;
  setWebhookUrl(url: string | undefined): void;
  /** A `Stripe-Signature` header value for a payload, signed with this server's webhook secret. */
  sign(payload: string, timestamp?: number): string;
  /** Resolves when no webhook delivery or retry is in flight. */
  settled(): Promise<void>;
  /** Stops deliveries and retries, then closes the HTTP server and its connections. */
  close(): Promise<void>;
};

export async function startStripeServer(options: StripeServerOptions = {}): Promise<StripeServer> {
  let webhookUrl = options.webhookUrl;
  const webhookSecret = options.webhookSecret ?? `whsec_${randomBytes(24).toString('hex')}`;
  const enabledEvents = options.enabledEvents ?? ['*'];
  const requestLog: RequestLogEntry[] = [];
  const deliveries: DeliveryAttempt[] = [];
  let baseUrl = '';

  const dispatcher = new WebhookDispatcher({
    url: () => webhookUrl,
    secret: webhookSecret,
    retries: options.webhookRetries ?? 3,
    backoffMs: options.webhookBackoffMs ?? 50,
    timeoutMs: options.webhookTimeoutMs ?? 5000,
    onAttempt: (attempt) => deliveries.push(attempt),
    onDelivered: (eventId) => {
      const event = store.events.get(eventId);
      if (event) event.pending_webhooks = 0;
    },
  });

  const store: StripeStore = new StripeStore({
    baseUrl: () => baseUrl,
    holdFundsAsPending: options.holdFundsAsPending ?? false,
    onEvent: (event) => {
      if (!webhookUrl || !enabledEvents.some((pattern) => matchesEventType(event.type, pattern))) return;
      event.pending_webhooks = 1;
      void dispatcher.send(event, false);
    },
  });

  const handle = createRequestHandler({ store, secretKey: STRIPE_TEST_SECRET_KEY, requestLog });
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end(error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  const clientConfig: Stripe.StripeConfig = {
    host: '127.0.0.1',
    port,
    protocol: 'http',
    maxNetworkRetries: 0,
    telemetry: false,
  };
  let client: Stripe | undefined;

  const storedEvent = (eventId: string): EventObject => {
    const event = store.events.get(eventId);
    if (!event) throw new Error(`no event ${eventId} on the local Stripe server`);
    return event;
  };
  const requireUrl = (what: string) => {
    if (!webhookUrl) throw new Error(`${what}: no webhook URL; pass webhookUrl or call setWebhookUrl first`);
  };
  const snapshot = <T>(items: Iterable<T>): T[] => structuredClone([...items]);

  const state: StripeServerState = {
    get paymentIntents() {
      return snapshot(store.paymentIntents.values());
    },
    get charges() {
      return snapshot(store.charges.values());
    },
    get transfers() {
      return snapshot(store.transfers.values());
    },
    get refunds() {
      return snapshot(store.refunds.values());
    },
    get accounts() {
      return snapshot(store.accounts.values());
    },
    get customers() {
      return snapshot(store.customers.values());
    },
    get checkoutSessions() {
      return snapshot(store.checkoutSessions.values());
    },
    get events() {
      return snapshot(store.events.values());
    },
    get balance() {
      return store.balance();
    },
    get requestLog() {
      return snapshot(requestLog);
    },
    get deliveries() {
      return snapshot(deliveries);
    },
  };

  const actions: StripeServerActions = {
    succeedPaymentIntent: (id) => store.succeedPaymentIntent(id),
    completeCheckoutSession: (id) => store.completeCheckoutSession(id),
    expireCheckoutSession: (id) => store.expireCheckoutSession(id),
    failPaymentIntent: (id, failure) => store.failPaymentIntent(id, failure),
    completeOnboarding: (accountId) => store.completeOnboarding(accountId),
    releasePendingFunds: () => store.releasePendingFunds(),
    async deliverEvent(eventId, { times = 1, delayMs = 0, ...delivery } = {}) {
      requireUrl('deliverEvent');
      const event = storedEvent(eventId);
      const copies: Promise<DeliveryOutcome>[] = [];
      for (let i = 0; i < times; i += 1) {
        if (i > 0 && delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        copies.push(dispatcher.send(event, true, delivery));
      }
      return Promise.all(copies);
    },
    async redeliverOutOfOrder(eventIds) {
      requireUrl('redeliverOutOfOrder');
      const order = [...store.events.keys()];
      const events = eventIds.map(storedEvent).sort((a, b) => order.indexOf(b.id) - order.indexOf(a.id));
      const outcomes: DeliveryOutcome[] = [];
      for (const event of events) outcomes.push(await dispatcher.send(event, true));
      return outcomes;
    },
  };

  return {
    url: baseUrl,
    host: '127.0.0.1',
    port,
    secretKey: STRIPE_TEST_SECRET_KEY,
    webhookSecret,
    clientConfig,
    client() {
      client ??= new Stripe(STRIPE_TEST_SECRET_KEY, clientConfig);
      return client;
    },
    state,
    actions,
    setWebhookUrl(url) {
      webhookUrl = url;
    },
    sign: (payload, timestamp) => signPayload(payload, webhookSecret, timestamp),
    settled: () => dispatcher.settled(),
    async close() {
      await dispatcher.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
