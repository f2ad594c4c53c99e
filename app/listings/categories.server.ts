// Operators add and change product categories as data: the same zod schema the shipped catalogue passes.
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '../../db/client';
import { categories } from '../../db/schema';
import { appendAudit } from '../lib/audit.server';
import { enqueue } from '../lib/outbox.server';
import type { FieldErrors } from '../lib/forms.server';
import { categoryDefinition } from './catalogue';

export async function allCategories() {
  return db.select().from(categories).orderBy(asc(categories.sort), asc(categories.id));
}

const formSchema = z.object({
  id: z.string().trim(),
  group: z.string(),
  nameZh: z.string().trim(),
  nameEn: z.string().trim(),
  keywords: z.string().default(''),
  baseUnit: z.string(),
  defaultColdChain: z.string(),
  inspectionHours: z.coerce.number({ invalid_type_error: 'errors.notANumber' }),
  feeBps: z.coerce
    .number({ invalid_type_error: 'errors.notANumber' })
    .int('errors.wholeNumber')
    .min(0, 'errors.outOfRange')
    .max(5000, 'errors.outOfRange'),
  attributes: z.string().default('[]'),
  active: z.string().optional(),
  certificateRequired: z.string().optional(),
});

/**
 * Validates a category form; the attributes arrive as JSON text (a list of attribute definitions) and
 * are checked against the catalogue's schema, so a category an operator adds works in every form.
 */
export function parseCategoryForm(form: Record<string, string>):
  | {
      ok: true;
      value: z.infer<typeof categoryDefinition> & {
        feeBps: number;
        active: boolean;
        certificateRequired: boolean;
      };
    }
  | { ok: false; errors: FieldErrors; detail?: string } {
  const fields = formSchema.safeParse(form);
  if (!fields.success) {
    const errors: FieldErrors = {};
    for (const issue of fields.error.issues)
      errors[String(issue.path[0])] ??= issue.message.startsWith('errors.')
        ? issue.message
        : 'errors.invalid';
    return { ok: false, errors };
  }
  let attributes: unknown;
  try {
    attributes = JSON.parse(fields.data.attributes || '[]');
  } catch {
    return { ok: false, errors: { attributes: 'operator.categories.errors.json' } };
  }
  const parsed = categoryDefinition.safeParse({
    ...fields.data,
    keywords: fields.data.keywords
      .split(/[,，、\n]/)
      .map((k) => k.trim())
      .filter(Boolean),
    attributes,
  });
  if (!parsed.success) {
    const errors: FieldErrors = {};
    const details: string[] = [];
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]);
      errors[field] ??= field === 'attributes' ? 'operator.categories.errors.attributes' : 'errors.invalid';
      if (field === 'attributes') details.push(`${issue.path.slice(1).join('.')}: ${issue.message}`);
    }
    return { ok: false, errors, detail: details.join('; ') || undefined };
  }
  return {
    ok: true,
    value: {
      ...parsed.data,
      feeBps: fields.data.feeBps,
      active: fields.data.active === 'on',
      certificateRequired: fields.data.certificateRequired === 'on',
    },
  };
}

type SearchedText = { nameZh: string; nameEn: string; keywords: string[] };

function searchedTextChanged(before: SearchedText, after: SearchedText): boolean {
  return (
    before.nameZh !== after.nameZh ||
    before.nameEn !== after.nameEn ||
    before.keywords.join('\n') !== after.keywords.join('\n')
  );
}

/** Adds a category or replaces one, with an audit entry; a base unit never changes once set. */
export async function saveCategory(
  actorUserId: string,
  value: Extract<ReturnType<typeof parseCategoryForm>, { ok: true }>['value'],
) {
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({
        id: categories.id,
        baseUnit: categories.baseUnit,
        nameZh: categories.nameZh,
        nameEn: categories.nameEn,
        keywords: categories.keywords,
      })
      .from(categories)
      .where(eq(categories.id, value.id))
      .for('update');
    // Quantities of its lots are stored in the base unit: changing it would change what they mean.
    if (existing && existing.baseUnit !== value.baseUnit) return { ok: false as const, field: 'baseUnit' };
    const row = {
      group: value.group,
      nameZh: value.nameZh,
      nameEn: value.nameEn,
      keywords: value.keywords,
      baseUnit: value.baseUnit,
      defaultColdChain: value.defaultColdChain,
      inspectionHours: value.inspectionHours,
      feeBps: value.feeBps,
      attributes: value.attributes,
      active: value.active,
      certificateRequired: value.certificateRequired,
    };
    if (existing) await tx.update(categories).set(row).where(eq(categories.id, value.id));
    else await tx.insert(categories).values({ id: value.id, ...row, sort: 1000 });
    // Its lots are found by its names and keywords (ADR 0006): when those change, a job rebuilds their
    // search vectors after commit (ADR 0035). A new category has no lots yet.
    if (existing && searchedTextChanged(existing, value))
      await enqueue(tx, 'listings', 'reindex-category', { categoryId: value.id });
    await appendAudit(tx, {
      actorUserId,
      action: existing ? 'category.changed' : 'category.added',
      subjectType: 'category',
      subjectId: value.id,
      detail: {
        feeBps: value.feeBps,
        active: value.active,
        certificateRequired: value.certificateRequired,
        attributes: value.attributes.map((a) => a.key),
      },
    });
    return { ok: true as const, created: !existing };
  });
}
