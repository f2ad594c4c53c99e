// A new price list: its name and validity; buyers and rules are added on the list's page.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useActionData } from '@remix-run/react';
import { createPriceList, parsePriceListForm } from '~/b2b/price-lists.server';
import { PriceListForm } from '~/components/price-list-parts';
import { PageHeader } from '~/components/ui';
import { requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, readFormData } from '~/lib/forms.server';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOrgKind(request, ['seller', 'both'], 'trader');
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both'], 'trader');
  const values = formValues(await readFormData(request));
  const parsed = parsePriceListForm(values);
  if (!parsed.ok) return formError(parsed.errors, values);
  const id = await db.transaction((tx) =>
    createPriceList(tx, { sellerOrgId: viewer.activeOrg.orgId, userId: viewer.user.id, draft: parsed.draft }),
  );
  return redirectWithToast(`/sell/price-lists/${id}`, 'b2b.toast.created');
}

export default function NewPriceList() {
  const failed = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title={t('b2b.new.title')} />
      <p className="-mt-4 mb-4 text-sm text-slate-600">{t('b2b.new.lead')}</p>
      <PriceListForm
        values={failed?.values ?? { active: 'on' }}
        errors={failed?.errors ?? {}}
        submitLabel={t('b2b.form.create')}
      />
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'b2b.new.title');
