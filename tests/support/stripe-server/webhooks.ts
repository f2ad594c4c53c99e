// Webhook delivery as Stripe does it: a signed JSON POST per event, retried with backoff until the receiver answers 2xx.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { type EventObject, nowSeconds } from './objects';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<payload>" keyed with the endpoint secret>`. */
export function signPayload(payload: string, secret: string, timestamp = nowSeconds()): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

export type DeliveryAttempt = {
  eventId: string;
  type: string;
  url: string;
  attempt: number;
  /** The receiver's HTTP status, or null when it could not be reached. */
  status: number | null;
  error: string | null;
  signedAt: number;
  at: number;
  /** true for deliveries a test asked for (deliverEvent, redeliverOutOfOrder), false for the automatic one. */
  manual: boolean;
};

export type DeliveryOutcome = { eventId: string; delivered: boolean; attempts: DeliveryAttempt[] };

export type DeliveryOptions = {
  /** Retries after the first attempt when the receiver fails; defaults to the server's setting. */
  retries?: number;
  /** Sign with this Unix time instead of now (an old one tests the receiver's tolerance). */
  signedAt?: number;
  /** Sign with another secret (tests a receiver that must refuse it). */
  secret?: string;
  /** Change the body after signing (tests a receiver that must refuse a tampered payload). */
  mutateBody?: (body: string) => string;
};

type DispatcherConfig = {
  url: () => string | undefined;
  secret: string;
  retries: number;
  backoffMs: number;
  timeoutMs: number;
  onAttempt: (attempt: DeliveryAttempt) => void;
  onDelivered: (eventId: string) => void;
};

export class WebhookDispatcher {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  private readonly abort = new AbortController();
  private closed = false;

  constructor(private readonly config: DispatcherConfig) {}

  /** Starts a delivery in the background (after the current API response is written) and tracks it. */
  send(event: EventObject, manual: boolean, options: DeliveryOptions = {}): Promise<DeliveryOutcome> {
    const run = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.deliver(event, manual, options),
    );
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run)).catch(() => {});
    return run;
  }

  /** Resolves once no delivery or retry is pending, including ones started while waiting. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    for (const sleeper of this.sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.wake();
    }
    await this.settled();
  }

  private async deliver(
    event: EventObject,
    manual: boolean,
    options: DeliveryOptions,
  ): Promise<DeliveryOutcome> {
    const attempts: DeliveryAttempt[] = [];
    const retries = options.retries ?? this.config.retries;
    for (let attempt = 1; attempt <= retries + 1 && !this.closed; attempt += 1) {
      const url = this.config.url();
      if (!url) break;
      const signedAt = options.signedAt ?? nowSeconds();
      const payload = JSON.stringify(event, null, 2);
      const header = signPayload(payload, options.secret ?? this.config.secret, signedAt);
      const body = options.mutateBody ? options.mutateBody(payload) : payload;
      const result = await post(url, body, header, this.config.timeoutMs, this.abort.signal);
      const record: DeliveryAttempt = {
        eventId: event.id,
        type: event.type,
        url,
        attempt,
        status: result.status,
        error: result.error,
        signedAt,
        at: Date.now(),
        manual,
      };
      attempts.push(record);
      this.config.onAttempt(record);
      if (result.status !== null && result.status >= 200 && result.status < 300) {
        this.config.onDelivered(event.id);
        return { eventId: event.id, delivered: true, attempts };
      }
      if (attempt <= retries) await this.sleep(this.config.backoffMs * 2 ** (attempt - 1));
    }
    return { eventId: event.id, delivered: false, attempts };
  }

  private sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = {
        wake: () => {
          this.sleepers.delete(sleeper);
          resolve();
        },
        timer: setTimeout(() => sleeper.wake(), ms),
      };
      this.sleepers.add(sleeper);
    });
  }
}

function post(
  url: string,
  body: string,
  signature: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ status: number | null; error: string | null }> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? https.request : http.request;
    const request = send(
      target,
      {
        method: 'POST',
        agent: false,
        timeout: timeoutMs,
        signal,
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(body),
          'Stripe-Signature': signature,
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'Cache-Control': 'no-cache',
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? null, error: null }));
        response.on('error', (error) => resolve({ status: null, error: error.message }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    request.on('error', (error) => resolve({ status: null, error: error.message }));
    request.end(body);
  });
}
