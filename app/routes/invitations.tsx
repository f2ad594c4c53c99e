// Invitations addressed to the signed-in user's e-mail, to accept.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { SubmitButton } from '~/components/forms';
import { EmptyState, PageHeader } from '~/components/ui';
import { acceptInvitation, pendingInvitationsFor, switchOrg } from '~/identity/accounts.server';
import { requireUser } from '~/lib/auth.server';
import { useT } from '~/lib/i18n';
import { redirectWithToast } from '~/lib/toast.server';
import { pageTitle } from '~/lib/meta';
import { readFormData } from '~/lib/forms.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  return json({ invitations: await pendingInvitationsFor(viewer.user.email) });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireUser(request);
  const id = (await readFormData(request)).get('invitationId');
  if (typeof id !== 'string') return json({ error: 'errors.invalid' }, { status: 400 });
  const orgId = await acceptInvitation(viewer.user.id, id);
  if (!orgId) return redirectWithToast('/invitations', 'invitations.gone', { status: 303 });
  await switchOrg(viewer.sessionId, viewer.user.id, orgId);
  return redirectWithToast('/dashboard', 'invitations.accepted');
}

export default function Invitations() {
  const { invitations } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title={t('invitations.title')} />
      {invitations.length === 0 ? (
        <EmptyState>{t('invitations.empty')}</EmptyState>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {invitations.map((inv) => (
            <li key={inv.id} className="flex items-center justify-between gap-3 px-4 py-3">
              <span>
                <strong>{inv.orgName}</strong> · {t(`role.${inv.role}`)}
              </span>
              <Form method="post">
                <input type="hidden" name="invitationId" value={inv.id} />
                <SubmitButton>{t('invitations.accept')}</SubmitButton>
              </Form>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'invitations.title');
