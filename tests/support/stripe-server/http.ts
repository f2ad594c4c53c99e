// The HTTP face of the local Stripe server: Bearer auth, form bodies, the route table, idempotent replay, fake hosted pages.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StripeApiError, idempotencyMismatch, invalidParam, unauthorized, unrecognizedUrl } from './errors';
import { type FormObject, allowOnly, canonicalParams, decodeForm, optionalString } from './form';
import { newId } from './objects';
import { type Cause, type StripeStore, formatAmount } from './store';

export type RequestLogEntry = {
  requestId: string;
  method: string;
  path: string;
  status: number;
  /** The Idempotency-Key header as sent, or null. */
  idempotencyKey: string | null;
  /** true when stripe-node made the key up (`stripe-node-retry-…`) because the caller passed none. */
  keyGeneratedByClient: boolean;
  /** true when the answer was a replay of an earlier response saved under the same key. */
  replayed: boolean;
  apiVersion: string | null;
  params: FormObject;
  at: number;
};

type SavedResponse = { method: string; path: string; params: string; status: number; body: string };

type Route = {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handle: (match: RegExpExecArray, params: FormObject, cause: Cause) => unknown;
};

function routes(store: StripeStore): Route[] {
  // A retrieve takes no parameters besides the id in its path (and what `accepted` names).
  const retrieve =
    (lookup: (id: string) => unknown, accepted: string[] = []): Route['handle'] =>
    (match, params) => {
      allowOnly(params, accepted);
      return lookup(decodeURIComponent(match[1] ?? ''));
    };
  return [
    { method: 'GET', pattern: /^\/v1\/balance$/, handle: retrieve(() => store.balance()) },
    { method: 'POST', pattern: /^\/v1\/customers$/, handle: (_, p) => store.createCustomer(p) },
    {
      method: 'GET',
      pattern: /^\/v1\/customers\/([^/]+)$/,
      handle: retrieve((id) => store.customer(id)),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payment_intents$/,
      handle: (_, p, c) => store.createPaymentIntent(p, c),
    },
    { method: 'GET', pattern: /^\/v1\/payment_intents$/, handle: (_, p) => store.listPaymentIntents(p) },
    {
      method: 'GET',
      pattern: /^\/v1\/payment_intents\/([^/]+)$/,
      handle: retrieve((id) => store.paymentIntent(id), ['client_secret']),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payment_intents\/([^/]+)$/,
      handle: (m, p) => store.updatePaymentIntent(decodeURIComponent(m[1]), p),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payment_intents\/([^/]+)\/confirm$/,
      handle: (m, p, c) => store.confirmPaymentIntent(decodeURIComponent(m[1]), p, c),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payment_intents\/([^/]+)\/cancel$/,
      handle: (m, p, c) => store.cancelPaymentIntent(decodeURIComponent(m[1]), p, c),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/checkout\/sessions$/,
      handle: (_, p, c) => store.createCheckoutSession(p, c),
    },
    { method: 'GET', pattern: /^\/v1\/checkout\/sessions$/, handle: (_, p) => store.listCheckoutSessions(p) },
    {
      method: 'GET',
      pattern: /^\/v1\/checkout\/sessions\/([^/]+)$/,
      handle: retrieve((id) => store.checkoutSession(id)),
    },
    { method: 'GET', pattern: /^\/v1\/charges$/, handle: (_, p) => store.listCharges(p) },
    {
      method: 'GET',
      pattern: /^\/v1\/charges\/([^/]+)$/,
      handle: retrieve((id) => store.charge(id)),
    },
    { method: 'POST', pattern: /^\/v1\/accounts$/, handle: (_, p) => store.createAccount(p) },
    { method: 'GET', pattern: /^\/v1\/accounts$/, handle: (_, p) => store.listAccounts(p) },
    {
      method: 'GET',
      pattern: /^\/v1\/accounts\/([^/]+)$/,
      handle: retrieve((id) => store.account(id)),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/accounts\/([^/]+)$/,
      handle: (m, p, c) => store.updateAccount(decodeURIComponent(m[1]), p, c),
    },
    { method: 'POST', pattern: /^\/v1\/account_links$/, handle: (_, p) => store.createAccountLink(p) },
    { method: 'POST', pattern: /^\/v1\/transfers$/, handle: (_, p, c) => store.createTransfer(p, c) },
    { method: 'GET', pattern: /^\/v1\/transfers$/, handle: (_, p) => store.listTransfers(p) },
    {
      method: 'GET',
      pattern: /^\/v1\/transfers\/([^/]+)$/,
      handle: retrieve((id) => store.transfer(id)),
    },
    { method: 'POST', pattern: /^\/v1\/refunds$/, handle: (_, p, c) => store.createRefund(p, c) },
    { method: 'GET', pattern: /^\/v1\/refunds$/, handle: (_, p) => store.listRefunds(p) },
    {
      method: 'GET',
      pattern: /^\/v1\/refunds\/([^/]+)$/,
      handle: retrieve((id) => store.refund(id)),
    },
    { method: 'GET', pattern: /^\/v1\/events$/, handle: (_, p) => store.listEvents(p) },
    { method: 'GET', pattern: /^\/v1\/events\/([^/]+)$/, handle: retrieve((id) => store.event(id)) },
  ];
}

export type ApiHandlerConfig = {
  store: StripeStore;
  secretKey: string;
  requestLog: RequestLogEntry[];
};

export function createRequestHandler(config: ApiHandlerConfig) {
  const table = routes(config.store);
  const saved = new Map<string, SavedResponse>();

  return async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(request);
    if (url.pathname.startsWith('/connect/onboarding/')) {
      onboardingPage(config.store, url, request.method ?? 'GET', body, response);
      return;
    }
    if (url.pathname.startsWith('/checkout/pay/')) {
      checkoutPage(config.store, url, request.method ?? 'GET', body, response);
      return;
    }
    if (url.pathname.startsWith('/bank-transfer/')) {
      bankTransferPage(config.store, url, response);
      return;
    }

    const method = request.method ?? 'GET';
    const requestId = newId('req', 14);
    const key = header(request, 'idempotency-key');
    const apiVersion = header(request, 'stripe-version');
    const entry: RequestLogEntry = {
      requestId,
      method,
      path: url.pathname + url.search,
      status: 0,
      idempotencyKey: key,
      keyGeneratedByClient: key?.startsWith('stripe-node-retry-') ?? false,
      replayed: false,
      apiVersion,
      params: {},
      at: Date.now(),
    };
    config.requestLog.push(entry);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Request-Id': requestId,
      ...(apiVersion ? { 'Stripe-Version': apiVersion } : {}),
      ...(key && method === 'POST' ? { 'Idempotency-Key': key } : {}),
    };
    const send = (status: number, payload: string, extra: Record<string, string> = {}) => {
      entry.status = status;
      response.writeHead(status, { ...headers, ...extra });
      response.end(payload);
    };

    let saveUnder: { key: string; params: string } | null = null;
    try {
      checkAuth(request, config.secretKey);
      if (header(request, 'stripe-account') || header(request, 'stripe-context')) {
        throw invalidParam(
          'Stripe-Account',
          'The local Stripe server does not act on behalf of connected accounts (Stripe-Account header).',
        );
      }
      const contentType = header(request, 'content-type') ?? '';
      if (method === 'POST' && body !== '' && !contentType.startsWith('application/x-www-form-urlencoded')) {
        throw invalidParam('Content-Type', `Stripe's v1 API takes form-encoded bodies, not ${contentType}.`);
      }
      const params = decodeForm(method === 'POST' ? body : url.search.slice(1));
      entry.params = params;
      const found = table
        .filter((r) => r.method === method)
        .map((r) => ({ route: r, match: r.pattern.exec(url.pathname) }))
        .find((candidate) => candidate.match !== null);
      if (!found?.match) throw unrecognizedUrl(method, url.pathname);

      if (method === 'POST' && key !== null) {
        if (key.length > 255) {
          throw invalidParam('Idempotency-Key', 'Idempotency-Key must be at most 255 characters.');
        }
        const canonical = canonicalParams(params);
        const previous = saved.get(key);
        if (previous) {
          if (previous.method !== method || previous.path !== url.pathname) {
            throw idempotencyMismatch(key, 'endpoint', previous.path);
          }
          if (previous.params !== canonical) throw idempotencyMismatch(key, 'params', previous.path);
          entry.replayed = true;
          send(previous.status, previous.body, { 'Idempotent-Replayed': 'true' });
          return;
        }
        saveUnder = { key, params: canonical };
      }

      const result = found.route.handle(found.match, params, { requestId, idempotencyKey: key });
      const payload = JSON.stringify(result);
      if (saveUnder) save(saveUnder, 200, payload);
      send(200, payload);
    } catch (error) {
      if (error instanceof StripeApiError) {
        const payload = JSON.stringify({ error: { ...error.body, request_log_url: null } });
        if (saveUnder && error.stored) save(saveUnder, error.status, payload);
        send(error.status, payload);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      console.error('local Stripe server failed on %s %s: %s', method, url.pathname, message);
      send(
        500,
        JSON.stringify({ error: { type: 'api_error', message: `Local Stripe server bug: ${message}` } }),
      );
    }

    function save(under: { key: string; params: string }, status: number, payload: string) {
      saved.set(under.key, { method, path: url.pathname, params: under.params, status, body: payload });
    }
  };
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function checkAuth(request: IncomingMessage, secretKey: string) {
  const authorization = header(request, 'authorization');
  if (!authorization) {
    throw unauthorized(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  let provided: string | null = null;
  if (authorization.startsWith('Bearer ')) provided = authorization.slice('Bearer '.length).trim();
  if (authorization.startsWith('Basic ')) {
    provided = Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8').split(':')[0];
  }
  if (provided !== secretKey) {
    const shown = provided
      ? `${provided.slice(0, 8)}${'*'.repeat(Math.max(0, provided.length - 12))}${provided.slice(-4)}`
      : '';
    throw unauthorized(`Invalid API Key provided: ${shown}`);
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(response: ServerResponse, status: number, title: string, inner: string) {
  response.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  response.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
      `<body style="font-family: system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif; max-width: 32rem; margin: 3rem auto">` +
      `<h1>${escapeHtml(title)}</h1>${inner}</body></html>`,
  );
}

function redirect(response: ServerResponse, status: 302 | 303, location: string) {
  response.writeHead(status, { Location: location });
  response.end();
}

/**
 * Stands in for Stripe's hosted Express onboarding. The first GET shows a form; POST `action=complete`
 * finishes onboarding (as actions.completeOnboarding does) and sends the seller to return_url, `action=leave`
 * returns without finishing. Like Stripe's, a link is single-use and lives five minutes: visiting it again,
 * or after it expired, sends the seller to refresh_url so the app can make a new one.
 */
function onboardingPage(
  store: StripeStore,
  url: URL,
  method: string,
  body: string,
  response: ServerResponse,
) {
  const token = url.pathname.slice('/connect/onboarding/'.length);
  const link = store.accountLink(token);
  if (!link) {
    html(
      response,
      404,
      'Unknown onboarding link',
      '<p>This link does not exist on this local Stripe server.</p>',
    );
    return;
  }
  const expired = link.expiresAt < Math.floor(Date.now() / 1000);
  const stale = expired || link.used || (method === 'GET' && link.visited);
  if (stale) {
    if (link.refreshUrl) redirect(response, method === 'GET' ? 302 : 303, link.refreshUrl);
    else html(response, 410, 'Link expired', '<p>This onboarding link was used or has expired.</p>');
    return;
  }
  if (method === 'GET') {
    link.visited = true;
    html(
      response,
      200,
      'Wharf test onboarding',
      `<p>Connected account <code>${escapeHtml(link.account)}</code> (${escapeHtml(link.type)}).</p>` +
        '<form method="post"><button name="action" value="complete" type="submit">Complete onboarding</button> ' +
        '<button name="action" value="leave" type="submit">Leave without finishing</button></form>',
    );
    return;
  }
  if (method !== 'POST') {
    html(response, 405, 'Method not allowed', '');
    return;
  }
  link.used = true;
  const action = optionalString(decodeForm(body), 'action');
  if (action === 'complete' && !store.account(link.account).details_submitted) {
    store.completeOnboarding(link.account);
  }
  if (link.returnUrl) redirect(response, 303, link.returnUrl);
  else html(response, 200, 'Onboarding finished', '<p>You may close this page.</p>');
}

/**
 * Stands in for Stripe's hosted Checkout page: the amount and a form. POST `action=pay` pays (as
 * actions.succeedPaymentIntent does, then checkout.session.completed) and goes to success_url;
 * `action=cancel` goes to cancel_url. A session that is no longer open shows why instead.
 */
function checkoutPage(store: StripeStore, url: URL, method: string, body: string, response: ServerResponse) {
  const session = store.checkoutSessionByToken(url.pathname.slice('/checkout/pay/'.length));
  if (!session) {
    html(
      response,
      404,
      'Unknown checkout link',
      '<p>This link does not exist on this local Stripe server.</p>',
    );
    return;
  }
  if (session.status !== 'open') {
    html(
      response,
      410,
      'Checkout closed',
      `<p>This checkout session is ${escapeHtml(session.status ?? '')}.</p>`,
    );
    return;
  }
  if (method === 'GET') {
    const amount = formatAmount(session.amount_total ?? 0, session.currency ?? '');
    html(
      response,
      200,
      'Wharf test checkout',
      `<p>Amount due: <strong data-testid="checkout-amount">${escapeHtml(amount)}</strong></p>` +
        '<form method="post"><button name="action" value="pay" type="submit">Pay</button> ' +
        '<button name="action" value="cancel" type="submit">Cancel</button></form>',
    );
    return;
  }
  if (method !== 'POST') {
    html(response, 405, 'Method not allowed', '');
    return;
  }
  const action = optionalString(decodeForm(body), 'action');
  if (action === 'pay') {
    store.completeCheckoutSession(session.id);
    const successUrl = session.success_url ?? '';
    redirect(response, 303, successUrl.replaceAll('{CHECKOUT_SESSION_ID}', session.id));
    return;
  }
  if (session.cancel_url) redirect(response, 303, session.cancel_url);
  else html(response, 200, 'Checkout left', '<p>You may close this page.</p>');
}

/** Stands in for the hosted bank-transfer instructions a customer_balance PaymentIntent links to. */
function bankTransferPage(store: StripeStore, url: URL, response: ServerResponse) {
  const id = url.pathname.slice('/bank-transfer/'.length);
  const paymentIntent = store.paymentIntents.get(id);
  const instructions = paymentIntent?.next_action?.display_bank_transfer_instructions;
  if (!paymentIntent || !instructions) {
    html(response, 404, 'No bank transfer instructions', '');
    return;
  }
  html(
    response,
    200,
    'Bank transfer instructions',
    `<p>Amount: ${instructions.amount_remaining} ${escapeHtml(paymentIntent.currency.toUpperCase())} (minor units)</p>` +
      `<p>Reference: <code>${escapeHtml(instructions.reference ?? '')}</code></p>`,
  );
}
