// What the statement page and its downloads share: who may read which side of which month (ADR 0056).
import { eq } from 'drizzle-orm';
import { organisations } from '../../db/schema';
import { requireUser } from '../lib/auth.server';
import { db } from '../lib/db.server';
import { forbidden } from '../lib/http.server';
import { isMonth } from './terms-rules';
import { currentMonth, statementTitles, termsStatement } from './terms.server';

/**
 * The active org's statement for `?month=YYYY-MM` (this month by default) and `?side=buyer|seller` (what the org
 * is; a buyer-and-seller org chooses, buyer by default). A member of the org may read it; anyone else gets 403.
 */
export async function statementForRequest(request: Request) {
  const viewer = await requireUser(request);
  const org = viewer.activeOrg;
  if (!org || !['buyer', 'seller', 'both'].includes(org.kind)) throw forbidden();
  const url = new URL(request.url);
  const asked = url.searchParams.get('month') ?? '';
  const month = isMonth(asked) ? asked : currentMonth();
  const sides: ('buyer' | 'seller')[] =
    org.kind === 'both' ? ['buyer', 'seller'] : org.kind === 'seller' ? ['seller'] : ['buyer'];
  const wanted = url.searchParams.get('side');
  const side = sides.find((s) => s === wanted) ?? sides[0];
  const statement = await termsStatement(db, { orgId: org.orgId, side, month });
  const titles = await statementTitles(db, [...new Set(statement.lines.map((line) => line.orderId))]);
  const [row] = await db
    .select({ name: organisations.name })
    .from(organisations)
    .where(eq(organisations.id, org.orgId));
  return { viewer, statement, titles, sides, orgName: row?.name ?? '' };
}
