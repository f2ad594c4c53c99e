// The development mailbox: who may read which kept e-mails (docs/decisions/0018-notification-fan-out-and-channels.md).
import { and, desc, eq, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { devMailbox } from '../../db/schema';
import type { Viewer } from '../lib/auth.server';
import { env } from '../lib/env.server';
import { smtpConfigured } from './mail.server';

export const MAILBOX_PAGE_SIZE = 30;

/**
 * Operators read every kept e-mail. On a development server without SMTP_URL anyone signed in reads
 * the e-mails sent to itself (so a developer can follow a flow as any demo user); nobody else reads any.
 */
export function mailboxScope(viewer: Viewer): 'all' | 'own' | null {
  if (viewer.isOperator) return 'all';
  if (env().NODE_ENV !== 'production' && !smtpConfigured()) return 'own';
  return null;
}

export async function keptMails(
  tx: DbOrTx,
  scope: 'all' | 'own',
  userId: string,
  options: { before?: string } = {},
) {
  const conditions = [];
  if (scope === 'own') conditions.push(eq(devMailbox.userId, userId));
  if (options.before) conditions.push(lt(devMailbox.id, options.before));
  const rows = await tx
    .select()
    .from(devMailbox)
    .where(and(...conditions))
    .orderBy(desc(devMailbox.id))
    .limit(MAILBOX_PAGE_SIZE + 1);
  return { mails: rows.slice(0, MAILBOX_PAGE_SIZE), hasMore: rows.length > MAILBOX_PAGE_SIZE };
}
