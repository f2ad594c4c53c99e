// Switch the interface language: saved on the user when signed in, and in a cookie for everyone.
import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { eq } from '~/lib/db.server';
import { db } from '~/lib/db.server';
import { users } from '~/lib/db.server';
import { getViewer, safeRedirect } from '~/lib/auth.server';
import { isLocale } from '~/lib/i18n';
import { localeCookie } from '~/lib/locale.server';
import { readFormData } from '~/lib/forms.server';

export async function action({ request }: ActionFunctionArgs) {
  const formData = await readFormData(request);
  const locale = formData.get('locale');
  if (!isLocale(locale)) return new Response('Unknown language', { status: 400 });
  const viewer = await getViewer(request);
  if (viewer) await db.update(users).set({ locale }).where(eq(users.id, viewer.user.id));
  return redirect(safeRedirect(formData.get('redirectTo'), '/'), {
    headers: { 'Set-Cookie': await localeCookie.serialize(locale) },
  });
}

export async function loader() {
  return redirect('/');
}
