// Delete my account (PIPL art. 47): says what goes and what the law keeps, confirmed with the password.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData } from '@remix-run/react';
import { Field, FormAlert, SubmitButton } from '~/components/forms';
import { Card, PageHeader } from '~/components/ui';
import { requireUser } from '~/lib/auth.server';
import { formError, parseForm, readFormData } from '~/lib/forms.server';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { RateLimitUnavailable } from '~/lib/rate-limit.server';
import { destroySessionCookie } from '~/lib/session.server';
import { confirmPassword, deleteAccountSchema, eraseAccount } from '~/privacy/erasure.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return json({});
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireUser(request);
  const parsed = parseForm(await readFormData(request), deleteAccountSchema);
  // The password is never sent back into the form.
  if (!parsed.ok) return formError(parsed.errors, {});
  let check: Awaited<ReturnType<typeof confirmPassword>>;
  try {
    check = await confirmPassword(viewer.user.id, parsed.data.password);
  } catch (error) {
    if (error instanceof RateLimitUnavailable)
      return formError({ form: 'errors.serviceUnavailable' }, {}, 503);
    throw error;
  }
  if (check === 'limited') return formError({ form: 'errors.tooManyAttempts' }, {}, 429);
  if (check === 'wrong') return formError({ password: 'erasure.delete.badPassword' }, {}, 400);
  const result = await eraseAccount(viewer.user.id);
  if (!result.ok) return formError({ form: result.reason }, {}, 409);
  return redirect('/account-deleted', { headers: { 'Set-Cookie': await destroySessionCookie() } });
}

export default function DeleteAccount() {
  const t = useT();
  const data = useActionData<typeof action>();
  const errors: Record<string, string> = data?.errors ?? {};
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <PageHeader title={t('erasure.delete.title')}>
        <Link to="/settings" className="text-sm text-sea-700 underline">
          {t('settings.title')}
        </Link>
      </PageHeader>
      <Card>
        <p className="text-sm text-slate-700">{t('erasure.delete.lead')}</p>
        <h2 className="mt-4 text-base font-semibold text-slate-900">{t('erasure.delete.removedTitle')}</h2>
        <p className="mt-1 text-sm text-slate-700">{t('erasure.delete.removed')}</p>
        <h2 className="mt-4 text-base font-semibold text-slate-900">{t('erasure.delete.keptTitle')}</h2>
        <p className="mt-1 text-sm text-slate-700">{t('erasure.delete.kept')}</p>
        <h2 className="mt-4 text-base font-semibold text-slate-900">{t('erasure.delete.blockersTitle')}</h2>
        <ul className="mt-1 list-disc space-y-1 pl-5 text-sm text-slate-700">
          <li>{t('erasure.delete.blockerOrders')}</li>
          <li>{t('erasure.delete.blockerAdmin')}</li>
        </ul>
      </Card>
      <Card>
        <Form method="post" className="space-y-4" noValidate>
          <FormAlert error={errors.form} />
          <Field
            name="password"
            type="password"
            label={t('erasure.delete.password')}
            hint={t('erasure.delete.passwordHint')}
            error={errors.password}
            autoComplete="current-password"
            required
          />
          <SubmitButton variant="danger">{t('erasure.delete.submit')}</SubmitButton>
        </Form>
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'erasure.delete.title');
