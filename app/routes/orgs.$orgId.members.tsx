// An organisation's members and pending invitations; owners and admins invite by e-mail with a role.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, SelectField, SubmitButton } from '~/components/forms';
import { formatTime } from '~/components/notification';
import { Card, Notice, PageHeader, TableScroll } from '~/components/ui';
import { invite, inviteSchema, orgInvitations, orgMembers } from '~/identity/accounts.server';
import { requireOrgRole, roleAtLeast } from '~/lib/auth.server';
import { formError, parseForm, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const orgId = params.orgId ?? '';
  const viewer = await requireOrgRole(request, orgId, 'viewer');
  const canInvite = viewer.membership ? roleAtLeast(viewer.membership.role, 'admin') : false;
  const [members, pending] = await Promise.all([
    orgMembers(orgId),
    canInvite ? orgInvitations(orgId) : Promise.resolve<Awaited<ReturnType<typeof orgInvitations>>>([]),
  ]);
  return json({
    orgName: viewer.membership?.orgName ?? '',
    members,
    pending,
    canInvite,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const orgId = params.orgId ?? '';
  const viewer = await requireOrgRole(request, orgId, 'admin');
  const parsed = parseForm(await readFormData(request), inviteSchema);
  if (!parsed.ok) return formError(parsed.errors, parsed.values);
  const result = await invite(viewer.user.id, orgId, parsed.data);
  if (!result.ok)
    return formError(result.errors, { email: parsed.data.email, role: parsed.data.role }, result.status);
  return json({
    ok: true as const,
    errors: {} as Record<string, string>,
    values: {} as Record<string, string>,
  });
}

export default function Members() {
  const { orgName, members, pending, canInvite } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const errors: Record<string, string> = data?.errors ?? {};
  return (
    <div className="space-y-6">
      <PageHeader title={`${t('members.title')} · ${orgName}`}>
        {canInvite ? (
          <Link to="../leave" relative="path" className="text-sm text-red-700 underline">
            {t('erasure.org.link')}
          </Link>
        ) : null}
      </PageHeader>
      {data?.ok ? <Notice>{t('members.invited')}</Notice> : null}
      <Card>
        <TableScroll label={t('members.title')}>
          <table className="min-w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-slate-500">
              <tr>
                <th className="whitespace-nowrap py-2 pr-4 font-medium">{t('members.name')}</th>
                <th className="whitespace-nowrap py-2 pr-4 font-medium">{t('members.email')}</th>
                <th className="whitespace-nowrap py-2 pr-4 font-medium">{t('members.role')}</th>
                <th className="whitespace-nowrap py-2 font-medium">{t('members.since')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {members.map((m) => (
                <tr key={m.userId}>
                  <td className="py-2 pr-4">{m.name}</td>
                  <td className="break-all py-2 pr-4 text-slate-600">{m.email}</td>
                  <td className="whitespace-nowrap py-2 pr-4">{t(`role.${m.role}`)}</td>
                  <td className="whitespace-nowrap py-2 text-slate-600">{formatTime(m.since, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </Card>
      {canInvite ? (
        <div className="grid gap-6 md:grid-cols-2 [&>*]:min-w-0">
          <Card title={t('members.invite')}>
            <Form method="post" className="space-y-4" noValidate key={pending.length}>
              <Field
                name="email"
                type="email"
                label={t('members.inviteEmail')}
                error={errors.email}
                defaultValue={data?.values?.email}
                inputMode="email"
              />
              <SelectField
                name="role"
                label={t('members.inviteRole')}
                error={errors.role}
                defaultValue={data?.values?.role ?? 'trader'}
                options={(['admin', 'trader', 'viewer'] as const).map((role) => ({
                  value: role,
                  label: t(`role.${role}`),
                }))}
              />
              <SubmitButton>{t('members.inviteSubmit')}</SubmitButton>
            </Form>
          </Card>
          <Card title={t('members.pending')}>
            {pending.length === 0 ? (
              <p className="text-sm text-slate-600">{t('members.noPending')}</p>
            ) : (
              <ul className="divide-y divide-slate-100 text-sm" data-testid="pending-invitations">
                {pending.map((p) => (
                  <li key={p.id} className="flex flex-wrap justify-between gap-x-3 gap-y-1 py-2">
                    <span className="min-w-0 break-all">{p.email}</span>
                    <span className="text-slate-500">
                      {t(`role.${p.role}`)} · {t('members.expires')} {formatTime(p.expiresAt, locale)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      ) : (
        <p className="text-sm text-slate-600">{t('members.onlyAdmins')}</p>
      )}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'members.title');
