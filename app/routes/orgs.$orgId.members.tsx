// An organisation's members and pending invitations; owners and admins invite by e-mail with a role.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, FormAlert, SelectField, SubmitButton } from '~/components/forms';
import { formatTime } from '~/components/notification';
import { Card, Notice, PageHeader, TableScroll } from '~/components/ui';
import { invite, inviteSchema, orgInvitations, orgMembers } from '~/identity/accounts.server';
import { requireOrgRole, roleAtLeast } from '~/lib/auth.server';
import { formError, formValues, parseForm, readFormData } from '~/lib/forms.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { LimitsError, limitsOfOrg, limitsSchema, setSpendingLimits } from '~/b2b/approvals.server';
import { db } from '~/lib/db.server';
import { formatMoney, toDecimalString } from '~/lib/money';
import { redirectWithToast } from '~/lib/toast.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const orgId = params.orgId ?? '';
  const viewer = await requireOrgRole(request, orgId, 'viewer');
  const canInvite = viewer.membership ? roleAtLeast(viewer.membership.role, 'admin') : false;
  const [members, pending] = await Promise.all([
    orgMembers(orgId),
    canInvite ? orgInvitations(orgId) : Promise.resolve<Awaited<ReturnType<typeof orgInvitations>>>([]),
  ]);
  // Spending limits (ADR 0052): shown to every member; set by owners (admins and traders) and admins (traders).
  const limits = new Map((await limitsOfOrg(db, orgId)).map((row) => [row.userId, row]));
  const viewerRole = viewer.membership?.role ?? null;
  const limitable = members
    .filter(
      (m) =>
        m.userId !== viewer.user.id &&
        (m.role === 'trader' || (m.role === 'admin' && viewerRole === 'owner')),
    )
    .map((m) => m.userId);
  return json({
    orgName: viewer.membership?.orgName ?? '',
    members: members.map((m) => ({
      ...m,
      perOrderFen: limits.get(m.userId)?.perOrderFen ?? null,
      perMonthFen: limits.get(m.userId)?.perMonthFen ?? null,
    })),
    pending,
    canInvite,
    limitable: canInvite ? limitable : [],
    // The member whose limits the form edits (each row links here with ?member=, so it works without JavaScript).
    editing: new URL(request.url).searchParams.get('member'),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const orgId = params.orgId ?? '';
  const viewer = await requireOrgRole(request, orgId, 'admin');
  const formData = await readFormData(request);
  if (formData.get('intent') === 'limits') {
    const limits = parseForm(formData, limitsSchema);
    if (!limits.ok) return formError(limits.errors, limits.values);
    try {
      await setSpendingLimits(viewer.user.id, orgId, limits.data);
    } catch (error) {
      if (!(error instanceof LimitsError)) throw error;
      return formError(error.errors, formValues(formData), error.status);
    }
    return redirectWithToast(`/orgs/${orgId}/members`, 'members.limits.saved');
  }
  const parsed = parseForm(formData, inviteSchema);
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
  const { orgName, members, pending, canInvite, limitable, editing } = useLoaderData<typeof loader>();
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
                <th className="whitespace-nowrap py-2 pr-4 font-medium">{t('members.since')}</th>
                <th className="whitespace-nowrap py-2 font-medium">{t('members.limits.col')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {members.map((m) => (
                <tr key={m.userId}>
                  <td className="py-2 pr-4">{m.name}</td>
                  <td className="break-all py-2 pr-4 text-slate-600">{m.email}</td>
                  <td className="whitespace-nowrap py-2 pr-4">{t(`role.${m.role}`)}</td>
                  <td className="whitespace-nowrap py-2 pr-4 text-slate-600">
                    {formatTime(m.since, locale)}
                  </td>
                  <td className="py-2 text-slate-600" data-testid={`limits-${m.userId}`}>
                    {m.perOrderFen === null && m.perMonthFen === null
                      ? t('members.limits.none')
                      : t('members.limits.summary', {
                          perOrder:
                            m.perOrderFen === null
                              ? t('members.limits.none')
                              : formatMoney(m.perOrderFen, 'CNY', locale),
                          perMonth:
                            m.perMonthFen === null
                              ? t('members.limits.none')
                              : formatMoney(m.perMonthFen, 'CNY', locale),
                        })}
                    {limitable.includes(m.userId) ? (
                      <Link
                        to={`?member=${m.userId}#limits`}
                        className="ml-2 whitespace-nowrap text-sea-700 underline"
                        aria-label={`${t('members.limits.edit')} · ${m.name}`}
                      >
                        {t('members.limits.edit')}
                      </Link>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </Card>
      {canInvite ? <LimitsForm members={members} limitable={limitable} editing={editing} /> : null}
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

function LimitsForm({
  members,
  limitable,
  editing,
}: {
  editing: string | null;
  members: {
    userId: string;
    name: string;
    role: string;
    perOrderFen: number | null;
    perMonthFen: number | null;
  }[];
  limitable: string[];
}) {
  const data = useActionData<typeof action>();
  const t = useT();
  const failed = data && !data.ok && data.values?.intent === 'limits' ? data : null;
  const errors: Record<string, string> = failed?.errors ?? {};
  const choices = members.filter((m) => limitable.includes(m.userId));
  const first = choices.find((m) => m.userId === (failed?.values.userId ?? editing)) ?? choices[0];
  const yuan = (fen: number | null) => (fen === null ? '' : toDecimalString(fen));
  return (
    <Card title={t('members.limits.title')}>
      <p className="mb-3 text-sm text-slate-600">{t('members.limits.lead')}</p>
      {choices.length === 0 ? (
        <p className="text-sm text-slate-600">{t('members.limits.nobody')}</p>
      ) : (
        <Form method="post" className="grid gap-4 sm:grid-cols-3" noValidate key={first?.userId} id="limits">
          <input type="hidden" name="intent" value="limits" />
          <div className="sm:col-span-3">
            <FormAlert error={errors.form} />
          </div>
          <SelectField
            name="userId"
            label={t('members.limits.member')}
            error={errors.userId}
            defaultValue={failed?.values.userId ?? first?.userId}
            options={choices.map((m) => ({
              value: m.userId,
              label: `${m.name} · ${t(`role.${m.role as 'trader'}`)}`,
            }))}
          />
          <Field
            name="perOrder"
            label={t('members.limits.perOrder')}
            error={errors.perOrder}
            defaultValue={failed?.values.perOrder ?? yuan(first?.perOrderFen ?? null)}
            inputMode="decimal"
          />
          <Field
            name="perMonth"
            label={t('members.limits.perMonth')}
            error={errors.perMonth}
            defaultValue={failed?.values.perMonth ?? yuan(first?.perMonthFen ?? null)}
            inputMode="decimal"
          />
          <div className="sm:col-span-3">
            <SubmitButton>{t('members.limits.save')}</SubmitButton>
          </div>
        </Form>
      )}
    </Card>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'members.title');
