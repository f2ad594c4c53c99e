// A seller applies for a booth at a fair (#19.1); the operator then allocates one (and charges its fee).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { FormAlert, SelectField, SubmitButton, TextareaField } from '~/components/forms';
import { Badge, Card, PageHeader } from '~/components/ui';
import { FairError, applyForBooth } from '~/fairs/fairs.server';
import { fairName, fen } from '~/fairs/format';
import { applicationOf, fairById, fairView, hallBooths } from '~/fairs/pages.server';
import { requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, readFormData } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';
import { type KeyIn, useLocale, useT } from '~/lib/i18n';
import { marketToday } from '~/lib/market-time';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both']);
  const fair = await fairById(db, params.fairId ?? '');
  if (!fair) throw notFound();
  const booths = await hallBooths(db, fair.id);
  const zones = [...new Set(booths.map((b) => b.zone))].sort();
  const free = booths.filter((b) => !b.exhibitor);
  return json({
    fair: fairView(fair),
    over: fair.endsOn < marketToday(),
    zones: zones.map((zone) => {
      const prices = free.filter((b) => b.zone === zone).map((b) => b.priceFen);
      return { zone, free: prices.length, fromFen: prices.length ? Math.min(...prices) : null };
    }),
    application: await applicationOf(db, fair.id, viewer.activeOrg.orgId),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['seller', 'both'], 'trader');
  const fair = await fairById(db, params.fairId ?? '');
  if (!fair) throw notFound();
  const values = formValues(await readFormData(request));
  const pitch = (values.pitch ?? '').trim();
  if (!pitch) return formError({ pitch: 'errors.required' }, values);
  if (pitch.length > 500) return formError({ pitch: 'errors.tooLong' }, values);
  if (fair.endsOn < marketToday()) return formError({ form: 'fairs.errors.fairOver' }, values, 409);
  const wantedZone = (values.wantedZone ?? '').trim().slice(0, 40) || null;
  try {
    await db.transaction((tx) =>
      applyForBooth(tx, {
        fairId: fair.id,
        orgId: viewer.activeOrg.orgId,
        userId: viewer.user.id,
        wantedZone,
        pitch,
      }),
    );
  } catch (error) {
    if (error instanceof FairError) return formError({ form: error.messageKey }, values, error.status);
    throw error;
  }
  return redirectWithToast(`/fairs/${fair.id}/apply`, 'fairs.toast.applied');
}

export default function Apply() {
  const { fair, zones, application, over } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errors: Record<string, string> = failed?.errors ?? {};
  const values: Record<string, string> = failed?.values ?? {};
  const live = application && ['pending', 'allocated'].includes(application.status);
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <nav className="text-sm">
        <Link to={`/fairs/${fair.id}`} className="text-sea-700 underline">
          {fairName(fair, locale)}
        </Link>
      </nav>
      <PageHeader title={t('fairs.apply.title')} />
      {application ? (
        <p className="text-sm">
          {t('fairs.apply.yours')}{' '}
          <Badge tone={application.status === 'allocated' ? 'green' : 'amber'}>
            {t(`fairs.status.${application.status}` as KeyIn<'fairs.status'>)}
          </Badge>{' '}
          {application.status === 'allocated' ? (
            <Link to={`/fairs/${fair.id}/exhibit`} className="text-sea-700 underline">
              {t('fairs.home.myBooth')}
            </Link>
          ) : null}
        </p>
      ) : null}
      {live ? null : over ? (
        <p className="text-sm text-slate-600">{t('fairs.errors.fairOver')}</p>
      ) : (
        <Card>
          <p className="mb-4 text-sm text-slate-600">{t('fairs.apply.lead')}</p>
          <Form method="post" className="space-y-4" noValidate>
            <FormAlert error={errors.form} />
            <SelectField
              name="wantedZone"
              label={t('fairs.field.wantedZone')}
              defaultValue={values.wantedZone}
              options={[
                { value: '', label: t('fairs.home.anyZone') },
                ...zones.map((z) => ({
                  value: z.zone,
                  label:
                    z.fromFen === null
                      ? t('fairs.apply.zoneFull', { zone: z.zone })
                      : t('fairs.apply.zoneFree', {
                          zone: z.zone,
                          count: z.free,
                          price: fen(z.fromFen, locale),
                        }),
                })),
              ]}
            />
            <TextareaField
              name="pitch"
              label={t('fairs.field.pitch')}
              hint={t('fairs.apply.pitchHint')}
              error={errors.pitch}
              defaultValue={values.pitch}
            />
            <SubmitButton>{t('fairs.apply.submit')}</SubmitButton>
          </Form>
        </Card>
      )}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'fairs.apply.title');
