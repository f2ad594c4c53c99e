// The BullMQ dashboard (bull-board) under the operator console: operators only, with retry of failed jobs.
import type { NextFunction, Request, Response, Router } from 'express';
import { queue, queueNames } from '../../workers/queues';
import { getViewer } from '../lib/auth.server';

export const BULL_BOARD_PATH = '/operator/queues';

/**
 * Who is asking, through the same session and membership code the app's loaders use (getViewer):
 * no session goes to the login page, a signed-in non-operator gets 403.
 */
export async function operatorsOnly(req: Request, res: Response, next: NextFunction) {
  try {
    const request = new globalThis.Request(`http://internal${req.originalUrl}`, {
      headers: { cookie: req.get('cookie') ?? '' },
    });
    const viewer = await getViewer(request);
    if (!viewer) {
      res.redirect(302, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    if (!viewer.isOperator) {
      res.status(403).type('text/plain').send('Forbidden');
      return;
    }
    next();
  } catch (error) {
    next(error);
  }
}

/**
 * The dashboard's router; mount it with operatorsOnly in front. bull-board (its UI, Express adapter and their
 * dependencies) loads on the first request an operator makes to it, not when the web process starts (issue #22).
 */
export function bullBoardRouter(): (req: Request, res: Response, next: NextFunction) => void {
  let router: Promise<Router> | undefined;
  return (req, res, next) => {
    router ??= buildRouter();
    router.then(
      (handle) => handle(req, res, next),
      (error) => {
        router = undefined;
        next(error);
      },
    );
  };
}

async function buildRouter(): Promise<Router> {
  const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/express'),
  ]);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queueNames.map((name) => new BullMQAdapter(queue(name), { allowRetries: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Wharf 码头' } },
  });
  return serverAdapter.getRouter() as Router;
}
