// What a visitor's badge QR opens (#19.4): an exhibitor at the fair records the visitor's org as a lead in one
// tap — only if the visitor agreed to it on its badge page; nobody else learns whose badge it is.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { FormAlert, SubmitButton } from '~/components/forms';
import { Card, PageHeader } from '~/components/ui';
import { FairError, badgeByToken, captureLead, exhibitorBooth } from '~/fairs/fairs.server';
import { fairName } from '~/fairs/format';
import { fairById, fairView } from '~/fairs/pages.server';
import { requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, readFormData } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';

/** The fair, the scanning exhibitor's booth and the badge: 404 for anyone who is not an exhibitor of the fair. */
async function scan(fairId: string, token: string, orgId: string) {
  const fair = await fairById(db, fairId);
  if (!fair) throw notFound();
  if (!(await exhibitorBooth(db, fair.id, orgId))) throw notFound('fairs.errors.notExhibitor');
  const found = await badgeByToken(db, token);
  if (!found || found.badge.fairId !== fair.id) throw notFound();
  return { fair, found };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both']);
  const { fair, found } = await scan(params.fairId ?? '', params.token ?? '', viewer.activeOrg.orgId);
  const consented = Boolean(found.badge.consentedAt);
  return json({
    fair: fairView(fair),
    consented,
    // The visitor's org is shown only with its consent.
    visitor: consented ? found.orgName : null,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both'], 'trader');
  const { fair } = await scan(params.fairId ?? '', params.token ?? '', viewer.activeOrg.orgId);
  const values = formValues(await readFormData(request));
  if (values.intent !== 'capture') return formError({ form: 'errors.invalid' }, values);
  try {
    const lead = await db.transaction((tx) =>
      captureLead(tx, {
        fairId: fair.id,
        token: params.token ?? '',
        exhibitorOrgId: viewer.activeOrg.orgId,
        userId: viewer.user.id,
      }),
    );
    return redirectWithToast(
      `/fairs/${fair.id}/exhibit`,
      lead.isNew ? 'fairs.toast.leadSaved' : 'fairs.toast.leadKnown',
    );
  } catch (error) {
    if (error instanceof FairError) return formError({ form: error.messageKey }, values, error.status);
    throw error;
  }
}

export default function CaptureLead() {
  const { fair, consented, visitor } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  return (
    <div className="mx-auto max-w-md space-y-6">
      <nav className="text-sm">
        <Link to={`/fairs/${fair.id}/exhibit`} className="text-sea-700 underline">
          {fairName(fair, locale)}
        </Link>
      </nav>
      <PageHeader title={t('fairs.lead.title')} />
      <Card>
        {consented ? (
          <Form method="post" className="space-y-4">
            <FormAlert error={failed?.errors.form} />
            <p className="text-lg font-semibold" data-testid="lead-visitor">
              {visitor}
            </p>
            <SubmitButton intent="capture">{t('fairs.lead.capture')}</SubmitButton>
          </Form>
        ) : (
          <p className="text-sm text-slate-700">{t('fairs.errors.noConsent')}</p>
        )}
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'fairs.lead.title');
