// Switch the organisation this session acts for; only to one the user belongs to.
import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { switchOrg } from '~/identity/accounts.server';
import { requireUser, safeRedirect } from '~/lib/auth.server';
import { readFormData } from '~/lib/forms.server';
import { notFound } from '~/lib/http.server';

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireUser(request);
  const formData = await readFormData(request);
  const orgId = formData.get('orgId');
  if (typeof orgId !== 'string' || !(await switchOrg(viewer.sessionId, viewer.user.id, orgId))) {
    throw notFound();
  }
  return redirect(safeRedirect(formData.get('redirectTo'), '/dashboard'));
}

export async function loader() {
  return redirect('/dashboard');
}
