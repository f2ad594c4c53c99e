// Caps on request bodies by route class, enforced while the body streams in, before Remix or a route reads it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { DEFAULT_LOCALE, localeFromAcceptLanguage, translator } from './i18n';

const KB = 1024;
const MB = 1024 * KB;
/** What a multipart form with files may weigh: its files at their size limit, plus 1 MB of text fields. */
const uploads = (files: number, bytesEach: number) => files * bytesEach + MB;

/**
 * The body limit of each route class, first match wins. Upload routes take their files' limits (see
 * readMultipart, which also stops at a field's count and a file's size); everything else is a plain form.
 */
export const BODY_LIMITS: { name: string; path: RegExp; bytes: number }[] = [
  // 8 photos and 4 certificates of 8 MB (app/listings/form.server.ts).
  { name: 'listing-upload', path: /^\/sell\/(new|[^/]+\/edit)\/?$/, bytes: uploads(12, 8 * MB) },
  // A dispute's 4 photos (app/orders/dispute-files.server.ts); the order page's other steps are small forms.
  { name: 'dispute-upload', path: /^\/orders\/[^/]+\/?$/, bytes: uploads(4, 8 * MB) },
  // A hand-over's 4 photos (app/routes/logistics.tsx).
  { name: 'handover-upload', path: /^\/logistics\/?$/, bytes: uploads(4, 8 * MB) },
  // A lot's one certificate scan (app/compliance/certificates.server.ts).
  { name: 'certificate-upload', path: /^\/sell\/[^/]+\/certificates\/?$/, bytes: uploads(1, 8 * MB) },
  // One business licence.
  { name: 'licence-upload', path: /^\/settings\/verification\/?$/, bytes: uploads(1, 8 * MB) },
  // A signed batch of readings (app/routes/api.telemetry.$deviceId.tsx).
  { name: 'telemetry', path: /^\/api\/telemetry\//, bytes: 256 * KB },
  // Stripe's events are a few KB; WEBHOOK_MAX_BYTES in app/payments/stripe.server.ts is the same.
  { name: 'stripe-webhook', path: /^\/webhooks\/stripe\/?$/, bytes: 512 * KB },
  { name: 'form', path: /^\//, bytes: MB },
];

export function bodyLimitFor(pathname: string): number {
  return (BODY_LIMITS.find((c) => c.path.test(pathname)) ?? BODY_LIMITS[BODY_LIMITS.length - 1]).bytes;
}

/** Thrown into the body stream when it passes its limit; readers turn it into a 413 (isBodyTooLarge). */
export class BodyTooLargeError extends Error {
  readonly code = 'WHARF_BODY_TOO_LARGE';
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Whether an error (or one it wraps) is a body over its limit. By code rather than class: the Remix build
 * bundles its own copy of this module.
 */
export function isBodyTooLarge(error: unknown): boolean {
  let current = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    if ((current as { code?: unknown }).code === 'WHARF_BODY_TOO_LARGE') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** "8 MB", "256 KB": a limit as people read it. */
export function formatBytes(bytes: number): string {
  return bytes >= MB ? `${Math.round(bytes / MB)} MB` : `${Math.round(bytes / KB)} KB`;
}

/** The refusal text in the client's language (no session lookup: nothing of the body has been trusted). */
export function bodyTooLargeMessage(acceptLanguage: string | null | undefined, limit: number): string {
  const t = translator(localeFromAcceptLanguage(acceptLanguage ?? null) ?? DEFAULT_LOCALE);
  return t('errors.bodyTooLarge', { limit: formatBytes(limit) });
}

/** Passes bytes through until `limit`, then fails with BodyTooLargeError and passes nothing more. */
class LimitedBody extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.seen += chunk.byteLength;
    if (this.seen > this.limit) callback(new BodyTooLargeError(this.limit));
    else callback(null, chunk);
  }
}

/** Answers 413 and closes the connection, so the rest of the body is never read. */
export function refuseBody(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const message = bodyTooLargeMessage(req.headers['accept-language'], limit);
  res.writeHead(413, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(message),
    Connection: 'close',
  });
  res.end(message, () => req.socket.destroy());
}

/**
 * The request as the next handler should see it: for a body that declares more than the route's limit,
 * null after answering 413; otherwise a view of `req` whose stream side is the limited body. When the
 * body passes the limit the socket stops being read, the reader gets BodyTooLargeError (and answers 413
 * through isBodyTooLarge), and the response closes the connection.
 */
export function limitBody<R extends IncomingMessage>(req: R, res: ServerResponse, limit: number): R | null {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    refuseBody(req, res, limit);
    return null;
  }
  const body = new LimitedBody(limit);
  // Readers listen for the error themselves; this one keeps an unread body's refusal from crashing the process.
  body.on('error', (error) => {
    req.unpipe(body);
    req.pause();
    req.socket.pause();
    if (!res.headersSent) res.setHeader('Connection', 'close');
    if (!isBodyTooLarge(error)) req.socket.destroy();
  });
  req.pipe(body);
  // A response written before the body was read through (a route without an action answering 405, a refusal
  // before the form is read) leaves the rest of the body in the socket, paused by the unread limited body: on a
  // kept-alive connection the client's next request then waited for a server timeout. A response written before
  // the whole body has arrived (`complete`: a bodiless GET is complete at once) closes the connection instead, and
  // the client opens another.
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    if (!req.complete && !this.headersSent) this.setHeader('Connection', 'close');
    return writeHead.apply(this, args);
  } as ServerResponse['writeHead'];
  // The stream side (what @remix-run/node's body pump uses) comes from the limited body; the rest, from req.
  const streamSide = new Set<PropertyKey>([
    'on',
    'once',
    'off',
    'addListener',
    'removeListener',
    'removeAllListeners',
    'pause',
    'resume',
    'read',
    'pipe',
    'unpipe',
    'destroy',
    'readable',
    'readableHighWaterMark',
    'readableEnded',
    'destroyed',
    Symbol.asyncIterator,
  ]);
  return new Proxy(req, {
    get(target, property) {
      const source = streamSide.has(property) ? body : target;
      const value = Reflect.get(source, property, source);
      return typeof value === 'function' ? value.bind(source) : value;
    },
  });
}
