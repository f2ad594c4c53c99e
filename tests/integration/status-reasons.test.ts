// A lot's status reason in the reader's language: screening's flags in English or Chinese, an operator's words as typed.
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { listings } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { action as languageAction } from '../../app/routes/language';
import { action as reviewsAction, loader as reviewsLoader } from '../../app/routes/operator.reviews';
import { loader as editLoader } from '../../app/routes/sell.$listingId.edit';
import { loader as deskLoader } from '../../app/routes/sell._index';
import { processModerationJob } from '../../workers/moderation';
import { call, formRequest, getRequest, logInAs } from '../support/http';
import { type Seller, liveShrimpLot } from '../support/listings';

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

// 海兴 is verified: its lots go live at once and screening takes a flagged one back to review.
const haixing: Seller = { orgId: 'org_haixing', userId: 'usr_haixing' };
let seller = '';
let operator = '';
beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  seller = await logInAs('shrimp@wharf.test');
  operator = await logInAs('operator@wharf.test');
});

/** The seller switches the interface language, as the language menu does (it is saved on the user). */
async function sellerReads(locale: 'zh-CN' | 'en') {
  const response = await call(() =>
    languageAction(args(formRequest('/language', { locale }, { cookie: seller }))),
  );
  expect(response.status).toBe(302);
}

/** A live lot of 海兴's, screened as the outbox and the worker would. */
async function screenedLot(titleZh: string): Promise<string> {
  const id = await liveShrimpLot(db, haixing, '500', { titleZh });
  await processModerationJob({ name: 'screen-listing', data: { listingId: id } });
  return id;
}

async function stored(id: string) {
  const [row] = await db
    .select({ status: listings.status, statusReason: listings.statusReason })
    .from(listings)
    .where(eq(listings.id, id));
  return row;
}

/** The reason the seller's edit page and desk show for the lot. */
async function seen(id: string) {
  const edit = (await (
    await call(() => editLoader(args(getRequest(`/sell/${id}/edit`, { cookie: seller }), { listingId: id })))
  ).json()) as { listing: { statusReason: string | null } };
  const desk = (await (
    await call(() => deskLoader(args(getRequest('/sell', { cookie: seller }))))
  ).json()) as {
    rows: { id: string; statusReason: string | null }[];
  };
  return { edit: edit.listing.statusReason, desk: desk.rows.find((row) => row.id === id)?.statusReason };
}

const BANNED_ZH = '含违禁或疑似假冒用语：高仿';
const BANNED_EN = 'Contains banned or counterfeit-suspect words: 高仿';

describe('a lot’s status reason', () => {
  it('names screening’s flag in the seller’s language, while the stored reason stays Chinese', async () => {
    const id = await screenedLot('高仿进口虾 大规格 特价');
    expect(await stored(id)).toEqual({ status: 'pending_review', statusReason: BANNED_ZH });
    await sellerReads('zh-CN');
    expect(await seen(id)).toEqual({ edit: BANNED_ZH, desk: BANNED_ZH });
    await sellerReads('en');
    expect(await seen(id)).toEqual({ edit: BANNED_EN, desk: BANNED_EN });
    expect(await stored(id)).toEqual({ status: 'pending_review', statusReason: BANNED_ZH });
  });

  it('names every flag of a reason of several, and the queue shows only the current version’s flags', async () => {
    // Listed twice, the second time screened: a banned word and a duplicate, stored as one Chinese reason.
    const original = await liveShrimpLot(db, haixing, '500', {
      titleZh: '湛江南美白对虾 高仿 40/50 头 塘头鲜活 当天捕捞',
    });
    const id = await screenedLot('湛江南美白对虾高仿40/50头 塘头鲜活，当天捕捞！');
    expect((await stored(id)).statusReason).toBe(
      `${BANNED_ZH}；与你在售的货品 ${original} 几乎相同（重复挂牌）`,
    );
    await sellerReads('en');
    const both = `${BANNED_EN}; Nearly the same as your live lot ${original} (listed twice)`;
    expect(await seen(id)).toEqual({ edit: both, desk: both });

    const queued = async () =>
      (
        (await (
          await call(() => reviewsLoader(args(getRequest('/operator/reviews', { cookie: operator }))))
        ).json()) as { items: { id: string; flags: { kind: string }[] }[] }
      ).items.find((item) => item.id === id);
    expect((await queued())?.flags.map((f) => f.kind)).toEqual(['banned_word', 'duplicate']);
    // Edited since (an edit bumps the version) and not screened yet: those flags were about the old text.
    await db
      .update(listings)
      .set({ version: sql`${listings.version} + 1` })
      .where(eq(listings.id, id));
    expect((await queued())?.flags).toEqual([]);
  });

  it('shows an operator’s rejection reason as the operator typed it, in either language', async () => {
    const id = await screenedLot('高仿虾 清库存 一口价');
    const typed = '请补充产地检疫证明照片 (quarantine certificate, please)';
    const rejected = await call(() =>
      reviewsAction(
        args(
          formRequest(
            '/operator/reviews',
            { listingId: id, intent: 'reject', reason: typed },
            { cookie: operator },
          ),
        ),
      ),
    );
    expect(rejected.status).toBe(302);
    expect(await stored(id)).toEqual({ status: 'draft', statusReason: typed });
    await sellerReads('en');
    expect(await seen(id)).toEqual({ edit: typed, desk: typed });
    await sellerReads('zh-CN');
    expect(await seen(id)).toEqual({ edit: typed, desk: typed });
  });
});
