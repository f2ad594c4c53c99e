// Log in with e-mail and password; wrong attempts are counted in Redis and limited per minute.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react';
import { Field, FormAlert, SubmitButton } from '~/components/forms';
import { Card } from '~/components/ui';
import { login, loginSchema } from '~/identity/accounts.server';
import { clientIp, requireAnonymous, safeRedirect } from '~/lib/auth.server';
import { formError, formValues, parseForm, readFormData } from '~/lib/forms.server';
import { RateLimitUnavailable } from '~/lib/rate-limit.server';
import { useT, storedKey } from '~/lib/i18n';
import { commitSessionCookie } from '~/lib/session.server';
import { pageTitle } from '~/lib/meta';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request);
  return json({});
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const parsed = parseForm(formData, loginSchema);
  if (!parsed.ok) return formError(parsed.errors, parsed.values);
  let result: Awaited<ReturnType<typeof login>>;
  try {
    result = await login(parsed.data, {
      ip: clientIp(request),
      userAgent: request.headers.get('user-agent'),
    });
  } catch (error) {
    // Attempts cannot be counted without Redis: refuse (fail closed) with a message, not a 500.
    if (error instanceof RateLimitUnavailable)
      return formError({ form: 'errors.serviceUnavailable' }, formValues(formData), 503);
    throw error;
  }
  if (!result.ok) {
    // A sanctioned account's message says until when (app/identity/accounts.server.ts).
    if (result.params)
      return json(
        { ok: false as const, errors: result.errors, values: formValues(formData), params: result.params },
        { status: result.status ?? 400 },
      );
    return formError(result.errors, formValues(formData), result.status);
  }
  return redirect(safeRedirect(formData.get('next'), '/dashboard'), {
    headers: { 'Set-Cookie': await commitSessionCookie(result.value.token) },
  });
}

export default function Login() {
  const t = useT();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const errors: Record<string, string> = data?.errors ?? {};
  return (
    <div className="mx-auto max-w-md">
      <Card>
        <h1 className="text-xl font-bold">{t('login.title')}</h1>
        <Form method="post" className="mt-6 space-y-4" noValidate>
          <FormAlert
            error={
              errors.form && data && 'params' in data
                ? t(storedKey(errors.form), data.params as Record<string, string>)
                : errors.form
            }
          />
          <input type="hidden" name="next" value={params.get('next') ?? '/dashboard'} />
          <Field
            name="email"
            type="email"
            label={t('login.email')}
            error={errors.email}
            defaultValue={data?.values?.email}
            autoComplete="username"
            inputMode="email"
          />
          <Field
            name="password"
            type="password"
            label={t('login.password')}
            error={errors.password}
            autoComplete="current-password"
          />
          <SubmitButton>{t('login.submit')}</SubmitButton>
        </Form>
        <p className="mt-6 text-sm text-slate-600">
          {t('login.noAccount')}{' '}
          <Link to="/register" className="font-semibold text-sea-700 underline">
            {t('nav.register')}
          </Link>
        </p>
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'login.title');
