// Server rendering: streams HTML, waiting for everything for bots, with the request's CSP nonce.
import type { AppLoadContext, EntryContext } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToPipeableStream } from 'react-dom/server';
import { dbIsUp, reportDbError } from '../db/health';
import { DropNulBytes } from './lib/html-stream.server';
import { log } from './lib/log.server';
import { NonceContext } from './lib/nonce';

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = typeof loadContext.cspNonce === 'string' ? loadContext.cspNonce : '';
  const waitForAll = isbot(request.headers.get('user-agent') ?? '');
  // A loader that failed because the database went away is an outage (503, retry soon), not a bug (500).
  if (responseStatusCode >= 500 && !dbIsUp()) responseStatusCode = 503;
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    // Cleared once the whole document is written: a pending timer per request would keep the request's
    // render tree (and its loader data) alive for ABORT_DELAY after the answer went out.
    const abortTimer = setTimeout(() => abort(), ABORT_DELAY);
    const respond = () => {
      shellRendered = true;
      const body = new DropNulBytes();
      responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
      resolve(
        new Response(createReadableStreamFromReadable(body), {
          headers: responseHeaders,
          status: responseStatusCode,
        }),
      );
      pipe(body);
    };
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        onShellReady() {
          if (!waitForAll) respond();
        },
        onAllReady() {
          clearTimeout(abortTimer);
          if (waitForAll) respond();
        },
        onShellError(error: unknown) {
          clearTimeout(abortTimer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) log.error({ err: error }, 'render error');
        },
      },
    );
  });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  if (reportDbError(error)) return;
  log.error({ err: error, path: new URL(request.url).pathname }, 'unhandled error in loader or action');
}
