// Registration: a user and its organisation in one step, then straight to the dashboard.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData } from '@remix-run/react';
import { Field, FormAlert, SelectField, SubmitButton } from '~/components/forms';
import { Card } from '~/components/ui';
import { register, registerSchema } from '~/identity/accounts.server';
import { PASSWORD_MIN } from '~/identity/rules';
import { clientIp, requireAnonymous } from '~/lib/auth.server';
import { formError, formValues, parseForm, readFormData } from '~/lib/forms.server';
import { RateLimitUnavailable } from '~/lib/rate-limit.server';
import { useT } from '~/lib/i18n';
import { resolveLocale } from '~/lib/locale.server';
import { commitSessionCookie } from '~/lib/session.server';
import { pageTitle } from '~/lib/meta';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request);
  return json({});
}

export async function action({ request }: ActionFunctionArgs) {
  await requireAnonymous(request);
  const formData = await readFormData(request);
  const parsed = parseForm(formData, registerSchema);
  if (!parsed.ok) return formError(parsed.errors, parsed.values);
  let result: Awaited<ReturnType<typeof register>>;
  try {
    result = await register(
      { ...parsed.data, locale: parsed.data.locale ?? (await resolveLocale(request)) },
      { userAgent: request.headers.get('user-agent'), ip: clientIp(request) },
    );
  } catch (error) {
    if (error instanceof RateLimitUnavailable)
      return formError({ form: 'errors.serviceUnavailable' }, formValues(formData), 503);
    throw error;
  }
  if (!result.ok) return formError(result.errors, formValues(formData), result.status);
  return redirect('/dashboard', { headers: { 'Set-Cookie': await commitSessionCookie(result.value.token) } });
}

export default function Register() {
  const t = useT();
  const data = useActionData<typeof action>();
  const errors: Record<string, string> = data?.errors ?? {};
  const values: Record<string, string> = data?.values ?? {};
  const kinds = ['seller', 'buyer', 'both', 'carrier'] as const;
  return (
    <div className="mx-auto max-w-lg">
      <Card>
        <h1 className="text-xl font-bold">{t('register.title')}</h1>
        <p className="mt-1 text-sm text-slate-600">{t('register.lead')}</p>
        <Form method="post" className="mt-6 space-y-4" noValidate>
          {errors.form ? (
            <FormAlert error={errors.form} />
          ) : Object.keys(errors).length > 0 ? (
            <FormAlert error="common.formHasErrors" />
          ) : null}
          <Field
            name="orgName"
            label={t('register.orgName')}
            hint={t('register.orgNameHint')}
            error={errors.orgName}
            defaultValue={values.orgName}
            autoComplete="organization"
          />
          <SelectField
            name="orgKind"
            label={t('register.orgKind')}
            error={errors.orgKind}
            defaultValue={values.orgKind ?? 'seller'}
            options={kinds.map((kind) => ({ value: kind, label: t(`orgKind.${kind}`) }))}
          />
          <Field
            name="city"
            label={t('register.city')}
            error={errors.city}
            defaultValue={values.city}
            required={false}
            autoComplete="address-level2"
          />
          <Field
            name="name"
            label={t('register.name')}
            error={errors.name}
            defaultValue={values.name}
            autoComplete="name"
          />
          <Field
            name="email"
            type="email"
            label={t('register.email')}
            error={errors.email}
            defaultValue={values.email}
            autoComplete="email"
            inputMode="email"
          />
          <Field
            name="password"
            type="password"
            label={t('register.password')}
            hint={t('register.passwordHint', { min: PASSWORD_MIN })}
            error={errors.password}
            autoComplete="new-password"
          />
          <SubmitButton>{t('register.submit')}</SubmitButton>
        </Form>
        <p className="mt-6 text-sm text-slate-600">
          {t('register.haveAccount')}{' '}
          <Link to="/login" className="font-semibold text-sea-700 underline">
            {t('nav.login')}
          </Link>
        </p>
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'nav.register');
