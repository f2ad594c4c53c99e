// A category's names and keywords are part of its lots' search vectors (ADR 0006): an operator changing them
// queues a re-index (ADR 0035), after which the lots are found by the new keyword and no longer by the removed one.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { categories, outbox } from '../../db/schema';
import { parseCategoryForm, saveCategory } from '../../app/listings/categories.server';
import { parseListingForm } from '../../app/listings/form.server';
import { createListing } from '../../app/listings/listings.server';
import { marketSearch } from '../../app/listings/queries.server';
import { processListingJob } from '../../workers/listings';
import { shrimpLotFields, verifiedSeller } from '../support/listings';

const CATEGORY = 'reindex-prawn';

async function categoryForm(keywords: string) {
  const [shrimp] = await db.select().from(categories).where(eq(categories.id, 'whiteleg-shrimp'));
  const parsed = parseCategoryForm({
    id: CATEGORY,
    group: shrimp.group,
    nameZh: '测试虾类',
    nameEn: 'Test prawns',
    keywords,
    baseUnit: shrimp.baseUnit,
    defaultColdChain: shrimp.defaultColdChain,
    inspectionHours: String(shrimp.inspectionHours),
    feeBps: String(shrimp.feeBps),
    attributes: JSON.stringify(shrimp.attributes),
    active: 'on',
  });
  if (!parsed.ok) throw new Error(`category form refused: ${JSON.stringify(parsed.errors)}`);
  return parsed.value;
}

const found = async (q: string) => (await marketSearch(db, { q })).items.map((item) => item.id);

const reindexJobs = () =>
  db
    .select()
    .from(outbox)
    .where(and(eq(outbox.queue, 'listings'), eq(outbox.name, 'reindex-category')));

describe('a category keyword change', () => {
  it('re-indexes its lots: found by the new keyword, not by the removed one', async () => {
    const seller = await verifiedSeller(db);
    expect((await saveCategory(seller.userId, await categoryForm('旧称虾, oldprawnword'))).ok).toBe(true);
    // A new category has no lots to re-index.
    expect(await reindexJobs()).toHaveLength(0);

    const categoriesById = new Map((await db.select().from(categories)).map((c) => [c.id, c]));
    const parsed = parseListingForm(
      { ...shrimpLotFields({ titleZh: '活虾 一号塘' }), categoryId: CATEGORY },
      categoriesById,
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const { id: lotId, status } = await db.transaction((tx) =>
      createListing(tx, {
        orgId: seller.orgId,
        actorUserId: seller.userId,
        draft: parsed.draft,
        submit: true,
      }),
    );
    expect(status).toBe('live');
    expect(await found('oldprawnword')).toContain(lotId);
    expect(await found('旧称虾')).toContain(lotId);
    expect(await found('newprawnword')).not.toContain(lotId);

    // A change of fee alone leaves the search text as it is: no job.
    const feeOnly = await categoryForm('旧称虾, oldprawnword');
    expect((await saveCategory(seller.userId, { ...feeOnly, feeBps: feeOnly.feeBps + 1 })).ok).toBe(true);
    expect(await reindexJobs()).toHaveLength(0);

    expect((await saveCategory(seller.userId, await categoryForm('新称虾, newprawnword'))).ok).toBe(true);
    const jobs = await reindexJobs();
    expect(jobs).toHaveLength(1);
    // Ids only in the payload.
    expect(jobs[0].payload).toEqual({ categoryId: CATEGORY });
    // Until the job runs the lot still carries the old keywords.
    expect(await found('newprawnword')).not.toContain(lotId);

    expect(await processListingJob({ name: 'reindex-category', data: jobs[0].payload })).toEqual({
      reindexed: 1,
    });
    expect(await found('newprawnword')).toContain(lotId);
    expect(await found('新称虾')).toContain(lotId);
    expect(await found('oldprawnword')).not.toContain(lotId);
    expect(await found('旧称虾')).not.toContain(lotId);
    // Its own title still finds it.
    expect(await found('一号塘')).toContain(lotId);
  });
});
