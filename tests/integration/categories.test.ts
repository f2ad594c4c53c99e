// Operators add categories as data; a malformed attribute schema is refused; nobody else may.
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db/client';
import { auditLog, categories } from '../../db/schema';
import { seedDemoMarket } from '../../db/seed';
import { action, loader } from '../../app/routes/operator.categories';
import { specSchema, parseAttributes } from '../../app/listings/catalogue';
import { call, formRequest, getRequest, logInAs } from '../support/http';

const args = (request: Request) => ({ request, params: {}, context: {} });
let operator: string;
let seller: string;

beforeAll(async () => {
  await db.transaction((tx) => seedDemoMarket(tx));
  operator = await logInAs('operator@wharf.test');
  seller = await logInAs('shrimp@wharf.test');
});

const scallop = {
  id: 'scallop',
  group: 'seafood',
  nameZh: '扇贝',
  nameEn: 'Scallop',
  keywords: '带子, 海湾扇贝, scallops',
  baseUnit: 'piece',
  defaultColdChain: 'live',
  inspectionHours: '6',
  feeBps: '120',
  active: 'on',
  attributes: JSON.stringify([
    {
      key: 'shellWidth',
      label: { zh: '壳宽', en: 'Shell width' },
      type: 'number',
      min: 3,
      max: 15,
      unit: 'cm',
      required: true,
    },
    {
      key: 'form',
      label: { zh: '形态', en: 'Form' },
      type: 'enum',
      options: [{ value: 'shell', label: { zh: '带壳', en: 'In shell' } }],
    },
  ]),
};

describe('operator categories', () => {
  it('adds a category whose spec schema then validates listings, with an audit entry', async () => {
    const response = await call(() =>
      action(args(formRequest('/operator/categories', scallop, { cookie: operator }))),
    );
    expect(response.status).toBe(302);
    const [row] = await db.select().from(categories).where(eq(categories.id, 'scallop'));
    expect(row).toMatchObject({
      nameZh: '扇贝',
      baseUnit: 'piece',
      feeBps: 120,
      keywords: ['带子', '海湾扇贝', 'scallops'],
    });
    const spec = specSchema(parseAttributes(row.attributes));
    expect(spec.safeParse({ shellWidth: '8', form: 'shell' }).success).toBe(true);
    expect(spec.safeParse({ shellWidth: '30' }).success).toBe(false);
    const audits = await db.select().from(auditLog).where(eq(auditLog.subjectId, 'scallop'));
    expect(audits.map((a) => a.action)).toEqual(['category.added']);
  });

  it.each([
    ['attributes that are not JSON', { attributes: '[{' }, 'attributes', 'operator.categories.errors.json'],
    [
      'an enum without options',
      { attributes: JSON.stringify([{ key: 'x', label: { zh: '甲', en: 'X' }, type: 'enum', options: [] }]) },
      'attributes',
      'operator.categories.errors.attributes',
    ],
    ['a bad id', { id: 'Bad Id!' }, 'id', 'errors.invalid'],
    ['a fee out of range', { feeBps: '9000' }, 'feeBps', 'errors.outOfRange'],
  ])('refuses %s with a message and stores nothing', async (_label, override, field, message) => {
    const before = await db.select().from(categories);
    const response = await call(() =>
      action(
        args(
          formRequest(
            '/operator/categories',
            { ...scallop, id: 'sea-urchin', ...override },
            { cookie: operator },
          ),
        ),
      ),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Record<string, string> }).errors[field]).toBe(message);
    expect(await db.select().from(categories)).toHaveLength(before.length);
  });

  it('never changes how an existing category is measured', async () => {
    const response = await call(() =>
      action(
        args(
          formRequest(
            '/operator/categories',
            { ...scallop, id: 'whiteleg-shrimp', baseUnit: 'piece', attributes: '[]' },
            { cookie: operator },
          ),
        ),
      ),
    );
    expect(response.status).toBe(409);
    const [row] = await db.select().from(categories).where(eq(categories.id, 'whiteleg-shrimp'));
    expect(row.baseUnit).toBe('g');
  });

  it('is for operators only', async () => {
    expect(
      (await call(() => loader(args(getRequest('/operator/categories', { cookie: seller }))))).status,
    ).toBe(403);
    expect(
      (
        await call(() =>
          action(
            args(formRequest('/operator/categories', { ...scallop, id: 'abalone' }, { cookie: seller })),
          ),
        )
      ).status,
    ).toBe(403);
    expect(await db.select().from(categories).where(eq(categories.id, 'abalone'))).toHaveLength(0);
  });
});
