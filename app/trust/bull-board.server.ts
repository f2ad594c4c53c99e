// The BullMQ dashboard (bull-board) under the operator console: operators only, with retry of failed jobs.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
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

/** The dashboard's router; mount it with operatorsOnly in front. */
export function bullBoardRouter(): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queueNames.map((name) => new BullMQAdapter(queue(name), { allowRetries: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Wharf 码头' } },
  });
  return serverAdapter.getRouter() as Router;
}
