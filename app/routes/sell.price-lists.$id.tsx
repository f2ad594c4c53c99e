// One price list of the seller's: its name and validity, the buyer orgs it reaches (chosen by name, or a saved
// group's), and its rules per category or per lot. Every form posts without JavaScript and keeps its input on error.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import {
  addBuyerGroup,
  addBuyers,
  addRule,
  buyerCandidates,
  deletePriceList,
  parsePriceListForm,
  parseRuleForm,
  priceListForSeller,
  removeBuyer,
  removeRule,
  saveBuyerGroup,
  sellerBuyerGroups,
  sellerLotsForRules,
  updatePriceList,
} from '~/b2b/price-lists.server';
import { priceListStep } from '~/b2b/route-helpers.server';
import { Field, FieldError, FormAlert, SelectField, SubmitButton } from '~/components/forms';
import { PriceListForm, ruleText, validityText } from '~/components/price-list-parts';
import { Badge, Card, EmptyState, PageHeader, TableScroll } from '~/components/ui';
import { requireOrgKind, roleAtLeast } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, readFormData } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';
import { type MessageKey, useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { activeCategories } from '~/listings/listings.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both']);
  const orgId = viewer.activeOrg.orgId;
  const own = await priceListForSeller(db, params.id ?? '', orgId);
  if (!own) throw notFound();
  const q = (new URL(request.url).searchParams.get('q') ?? '').slice(0, 80);
  const [all, lots, groups, candidates] = await Promise.all([
    activeCategories(db),
    sellerLotsForRules(db, orgId),
    sellerBuyerGroups(db, orgId),
    buyerCandidates(db, orgId, q),
  ]);
  const onList = new Set(own.buyers.map((b) => b.id));
  return json({
    ...own,
    q,
    candidates: candidates.filter((c) => !onList.has(c.id)),
    categories: all.map(({ id, nameZh, nameEn }) => ({ id, nameZh, nameEn })),
    lots,
    groups: groups.map(({ id, name }) => ({ id, name })),
    canAct: roleAtLeast(viewer.activeOrg.role, 'trader'),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both'], 'trader');
  const id = params.id ?? '';
  const sellerOrgId = viewer.activeOrg.orgId;
  const back = `/sell/price-lists/${id}`;
  const formData = await readFormData(request);
  const values = formValues(formData);
  const step = async (run: () => Promise<unknown>, toast: MessageKey, to = back) => {
    const result = await priceListStep(values, run);
    return result.ok ? redirectWithToast(to, toast) : result.response;
  };
  switch (values.intent) {
    case 'update': {
      const parsed = parsePriceListForm(values);
      if (!parsed.ok) return formError(parsed.errors, values);
      return step(
        () => db.transaction((tx) => updatePriceList(tx, { id, sellerOrgId, draft: parsed.draft })),
        'b2b.toast.saved',
      );
    }
    case 'delete':
      return step(
        () => db.transaction((tx) => deletePriceList(tx, { id, sellerOrgId })),
        'b2b.toast.deleted',
        '/sell/price-lists',
      );
    case 'addBuyers': {
      const buyerOrgIds = formData.getAll('buyerOrgId').filter((v): v is string => typeof v === 'string');
      return step(
        () => db.transaction((tx) => addBuyers(tx, { id, sellerOrgId, buyerOrgIds })),
        'b2b.toast.buyersAdded',
      );
    }
    case 'removeBuyer':
      return step(
        () =>
          db.transaction((tx) => removeBuyer(tx, { id, sellerOrgId, buyerOrgId: values.buyerOrgId ?? '' })),
        'b2b.toast.buyerRemoved',
      );
    case 'saveGroup':
      return step(
        () => db.transaction((tx) => saveBuyerGroup(tx, { id, sellerOrgId, name: values.groupName ?? '' })),
        'b2b.toast.groupSaved',
      );
    case 'addGroup':
      return step(
        () => db.transaction((tx) => addBuyerGroup(tx, { id, sellerOrgId, groupId: values.groupId ?? '' })),
        'b2b.toast.buyersAdded',
      );
    case 'addRule': {
      const parsed = parseRuleForm(values);
      if (!parsed.ok) return formError(parsed.errors, values);
      return step(
        () => db.transaction((tx) => addRule(tx, { id, sellerOrgId, draft: parsed.draft })),
        'b2b.toast.ruleAdded',
      );
    }
    case 'removeRule':
      return step(
        () => db.transaction((tx) => removeRule(tx, { id, sellerOrgId, ruleId: values.ruleId ?? '' })),
        'b2b.toast.ruleRemoved',
      );
    default:
      return formError({ form: 'errors.invalid' }, values);
  }
}

export default function SellerPriceList() {
  const { list, buyers, rules, q, candidates, categories, lots, groups, canAct } =
    useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errorsFor = (intent: string): Record<string, string | undefined> =>
    failed?.values?.intent === intent ? failed.errors : {};
  const valuesFor = (intent: string): Record<string, string | undefined> =>
    failed?.values?.intent === intent ? failed.values : {};
  const name = (item: { nameZh: string; nameEn: string }) => (locale === 'en' ? item.nameEn : item.nameZh);
  const lotName = (item: { titleZh: string | null; titleEn: string | null }) =>
    (locale === 'en' && item.titleEn ? item.titleEn : item.titleZh) ?? item.titleEn ?? '';
  const ruleValues = valuesFor('addRule');
  return (
    <div className="mx-auto max-w-5xl space-y-6">
      <PageHeader title={list.name}>
        {list.active ? (
          <Badge tone="green">{t('b2b.list.active')}</Badge>
        ) : (
          <Badge>{t('b2b.list.inactive')}</Badge>
        )}
        <Link to="/sell/price-lists" className="text-sm text-sea-700 underline">
          {t('b2b.list.back')}
        </Link>
      </PageHeader>
      <p className="-mt-4 text-sm text-slate-600">{validityText(t, list.validFrom, list.validTo)}</p>

      <Card title={t('b2b.buyers.title')}>
        {buyers.length === 0 ? (
          <EmptyState>{t('b2b.buyers.empty')}</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm" data-testid="price-list-buyers">
            {buyers.map((buyer) => (
              <li key={buyer.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  {buyer.name}
                  {buyer.city ? <span className="text-slate-500"> · {buyer.city}</span> : null}
                </span>
                {canAct ? (
                  <Form method="post">
                    <input type="hidden" name="buyerOrgId" value={buyer.id} />
                    <button
                      type="submit"
                      name="intent"
                      value="removeBuyer"
                      aria-label={t('b2b.buyers.removeNamed', { name: buyer.name })}
                      className="text-sm text-red-700 underline"
                    >
                      {t('b2b.buyers.remove')}
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        <FormAlert error={errorsFor('removeBuyer').form} />
        {canAct ? (
          <div className="mt-4 space-y-4 border-t border-slate-100 pt-4">
            <Form method="get" className="flex flex-wrap items-end gap-2" role="search">
              <div className="min-w-0 flex-1">
                <label htmlFor="q" className="block text-sm font-medium text-slate-700">
                  {t('b2b.buyers.search')}
                </label>
                <input
                  id="q"
                  name="q"
                  type="search"
                  defaultValue={q}
                  maxLength={80}
                  aria-describedby="q-hint"
                  className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base shadow-sm"
                />
                <p id="q-hint" className="mt-1 text-xs text-slate-500">
                  {t('b2b.buyers.searchHint')}
                </p>
              </div>
              <button
                type="submit"
                className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800"
              >
                {t('b2b.buyers.searchSubmit')}
              </button>
            </Form>
            {candidates.length === 0 ? (
              <p className="text-sm text-slate-600">{t('b2b.buyers.noMatch')}</p>
            ) : (
              <Form key={buyers.length} method="post" data-testid="buyer-candidates">
                <fieldset>
                  <legend className="text-sm font-medium text-slate-700">{t('b2b.buyers.candidates')}</legend>
                  <ul className="mt-2 grid gap-1 sm:grid-cols-2">
                    {candidates.map((c) => (
                      <li key={c.id} className="flex items-center gap-2 text-sm">
                        <input
                          id={`buyer-${c.id}`}
                          type="checkbox"
                          name="buyerOrgId"
                          value={c.id}
                          className="size-4"
                        />
                        <label htmlFor={`buyer-${c.id}`}>
                          {c.name}
                          {c.city ? <span className="text-slate-500"> · {c.city}</span> : null}
                        </label>
                      </li>
                    ))}
                  </ul>
                </fieldset>
                <FieldError name="buyerOrgId" error={errorsFor('addBuyers').buyerOrgId} />
                <div className="mt-2">
                  <SubmitButton intent="addBuyers">{t('b2b.buyers.add')}</SubmitButton>
                </div>
              </Form>
            )}
            <div className="grid gap-4 sm:grid-cols-2">
              {groups.length > 0 ? (
                <Form method="post" className="flex items-end gap-2">
                  <div className="min-w-0 flex-1">
                    <SelectField
                      name="groupId"
                      label={t('b2b.groups.choose')}
                      options={groups.map((g) => ({ value: g.id, label: g.name }))}
                      error={errorsFor('addGroup').groupId}
                    />
                  </div>
                  <SubmitButton intent="addGroup" variant="secondary">
                    {t('b2b.groups.add')}
                  </SubmitButton>
                </Form>
              ) : null}
              {buyers.length > 0 ? (
                <Form method="post" className="flex items-end gap-2">
                  <div className="min-w-0 flex-1">
                    <Field
                      name="groupName"
                      label={t('b2b.groups.name')}
                      defaultValue={valuesFor('saveGroup').groupName}
                      error={errorsFor('saveGroup').groupName}
                    />
                  </div>
                  <SubmitButton intent="saveGroup" variant="secondary">
                    {t('b2b.groups.save')}
                  </SubmitButton>
                </Form>
              ) : null}
            </div>
          </div>
        ) : null}
      </Card>

      <Card title={t('b2b.rules.title')}>
        <p className="mb-3 text-sm text-slate-600">{t('b2b.rules.lead')}</p>
        {rules.length === 0 ? (
          <EmptyState>{t('b2b.rules.empty')}</EmptyState>
        ) : (
          <TableScroll label={t('b2b.rules.title')}>
            <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="price-list-rules">
              <thead className="text-left text-slate-600">
                <tr>
                  <th scope="col" className="px-2 py-2">
                    {t('b2b.rules.scope')}
                  </th>
                  <th scope="col" className="px-2 py-2">
                    {t('b2b.rules.value')}
                  </th>
                  <th scope="col" className="px-2 py-2">
                    <span className="sr-only">{t('b2b.rules.remove')}</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rules.map((rule) => {
                  const scope = rule.listingId
                    ? `${t('b2b.rules.lot')}：${lotName({ titleZh: rule.lotTitleZh ?? '', titleEn: rule.lotTitleEn })}`
                    : `${t('b2b.rules.category')}：${name({ nameZh: rule.categoryZh, nameEn: rule.categoryEn })}`;
                  return (
                    <tr key={rule.id}>
                      <td className="px-2 py-2">{scope}</td>
                      <td className="px-2 py-2 whitespace-nowrap">{ruleText(t, locale, rule)}</td>
                      <td className="px-2 py-2">
                        {canAct ? (
                          <Form method="post">
                            <input type="hidden" name="ruleId" value={rule.id} />
                            <button
                              type="submit"
                              name="intent"
                              value="removeRule"
                              aria-label={t('b2b.rules.removeNamed', { scope })}
                              className="text-sm text-red-700 underline"
                            >
                              {t('b2b.rules.remove')}
                            </button>
                          </Form>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        )}
        {canAct ? (
          <Form
            // A fresh form after each rule added; after a refusal it keeps what was typed.
            key={rules.length}
            method="post"
            className="mt-4 space-y-4 border-t border-slate-100 pt-4"
            data-testid="rule-form"
          >
            <p className="text-sm text-slate-600">{t('b2b.rules.scopeHint')}</p>
            <div className="grid gap-4 sm:grid-cols-2">
              <SelectField
                name="categoryId"
                label={t('b2b.rules.category')}
                defaultValue={ruleValues.categoryId ?? ''}
                options={[
                  { value: '', label: t('b2b.rules.none') },
                  ...categories.map((c) => ({ value: c.id, label: name(c) })),
                ]}
              />
              <SelectField
                name="listingId"
                label={t('b2b.rules.lot')}
                defaultValue={ruleValues.listingId ?? ''}
                options={[
                  { value: '', label: t('b2b.rules.none') },
                  ...lots.map((lot) => ({ value: lot.id, label: lotName(lot) })),
                ]}
              />
            </div>
            <FieldError name="scope" error={errorsFor('addRule').scope} />
            <div className="grid gap-4 sm:grid-cols-3">
              <SelectField
                name="kind"
                label={t('b2b.rules.kind')}
                defaultValue={ruleValues.kind ?? 'fixed'}
                options={(['fixed', 'tier_pct', 'reference_pct'] as const).map((kind) => ({
                  value: kind,
                  label: t(`b2b.rules.kind.${kind}`),
                }))}
                error={errorsFor('addRule').kind}
              />
              <Field
                name="price"
                label={t('b2b.rules.price')}
                inputMode="decimal"
                defaultValue={ruleValues.price}
                error={errorsFor('addRule').price}
              />
              <Field
                name="percent"
                label={t('b2b.rules.percent')}
                hint={t('b2b.rules.percentHint')}
                defaultValue={ruleValues.percent}
                error={errorsFor('addRule').percent}
              />
            </div>
            <FormAlert error={errorsFor('addRule').form} />
            <SubmitButton intent="addRule">{t('b2b.rules.add')}</SubmitButton>
          </Form>
        ) : null}
      </Card>

      {canAct ? (
        <Card title={t('b2b.edit.details')}>
          <PriceListForm
            values={
              failed?.values?.intent === 'update'
                ? failed.values
                : {
                    name: list.name,
                    validFrom: list.validFrom ?? '',
                    validTo: list.validTo ?? '',
                    active: list.active ? 'on' : '',
                  }
            }
            errors={errorsFor('update')}
            submitLabel={t('b2b.form.save')}
            intent="update"
          />
          <Form method="post" className="mt-6 border-t border-slate-100 pt-4">
            <SubmitButton intent="delete" variant="danger">
              {t('b2b.delete.submit')}
            </SubmitButton>
            <FormAlert error={errorsFor('delete').form} />
          </Form>
        </Card>
      ) : null}
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, 'b2b.list.title', data?.list.name);
