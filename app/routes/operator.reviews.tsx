// The review queue: listings waiting for a decision, oldest first, with why they wait and the seller's record.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { FieldError, SubmitButton } from '~/components/forms';
import { Badge, Card, EmptyState, PageHeader } from '~/components/ui';
import { formatTime } from '~/components/notification';
import { requireOperator } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { formatMoney } from '~/lib/money';
import { redirectWithToast } from '~/lib/toast.server';
import { parseDecision, refusedDecision } from '~/trust/decision-form.server';
import { decideListing, reviewQueue } from '~/trust/moderation.server';
import { wordList } from '~/trust/screening';
import { readFormData } from '~/lib/forms.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  return json({ items: await reviewQueue(db) });
}

const reviewDecision = { idField: 'listingId', intents: ['approve', 'reject', 'remove'] } as const;

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOperator(request);
  const parsed = parseDecision(await readFormData(request), reviewDecision);
  if (!parsed.ok) return parsed.response;
  const { decision } = parsed;
  try {
    await db.transaction((tx) =>
      decideListing(tx, {
        listingId: decision.id,
        operatorUserId: viewer.user.id,
        decision: decision.intent,
        reason: decision.reason,
      }),
    );
  } catch (error) {
    return refusedDecision(error, parsed);
  }
  return redirectWithToast('/operator/reviews', `console.review.done.${decision.intent}`);
}

export default function Reviews() {
  const { items } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  return (
    <div className="space-y-6">
      <PageHeader title={t('console.review.title')}>
        <Link to="/operator" className="text-sm text-sea-700 underline">
          {t('console.back')}
        </Link>
      </PageHeader>
      <p className="text-sm text-slate-600">{t('console.review.lead')}</p>
      {items.length === 0 ? (
        <EmptyState>{t('console.review.empty')}</EmptyState>
      ) : (
        <ol className="space-y-4">
          {items.map((item) => {
            const errors: Record<string, string> = data?.listingId === item.id ? data.errors : {};
            const title =
              (locale === 'en' ? item.titleEn || item.titleZh : item.titleZh || item.titleEn) ?? '';
            return (
              <li key={item.id} data-review={item.id}>
                <Card>
                  <div className="flex flex-wrap items-start justify-between gap-2">
                    <div className="min-w-0">
                      <h2 className="break-words text-base font-semibold">
                        <Link to={`/market/${item.id}`} className="underline">
                          {title}
                        </Link>
                      </h2>
                      <p className="text-sm text-slate-600">
                        {locale === 'en' ? item.categoryEn : item.categoryZh}
                        {item.priceFen !== null
                          ? ` · ${formatMoney(item.priceFen, 'CNY', locale)}/${t(item.baseUnit === 'piece' ? 'console.review.perPiece' : 'console.review.perKg')}`
                          : ''}
                      </p>
                    </div>
                    {item.waitingSince ? (
                      <span className="text-xs text-slate-500">
                        {t('console.review.waitingSince', { time: formatTime(item.waitingSince, locale) })}
                      </span>
                    ) : null}
                  </div>
                  <div className="mt-3 flex flex-wrap items-center gap-2 text-sm">
                    <span className="font-medium">{item.sellerName}</span>
                    <Badge tone={item.verification === 'verified' ? 'green' : 'amber'}>
                      {t(`verification.${item.verification}`)}
                    </Badge>
                    <span className="text-slate-600">
                      {t('trust.credit.short', { score: item.creditScore, cls: item.qualityClass })}
                    </span>
                    <span className="text-slate-600">
                      {t('console.review.history', {
                        live: item.history.live,
                        count: item.history.rejected,
                        removed: item.history.removed,
                      })}
                    </span>
                  </div>
                  <div className="mt-3 rounded-md bg-amber-50 p-3 text-sm text-amber-900">
                    <p className="font-medium">{t('console.review.why')}</p>
                    <ul className="mt-1 list-disc pl-5">
                      {item.verification !== 'verified' ? <li>{t('console.review.unverified')}</li> : null}
                      {item.flags.map((flag) => (
                        <li key={flag.kind} data-flag={flag.kind}>
                          {t(`console.flag.${flag.kind}`)}
                          {locale === 'en' ? ': ' : '：'}
                          {flag.kind === 'banned_word'
                            ? wordList((flag.detail.words as string[]) ?? [], locale)
                            : flag.kind === 'price_outlier'
                              ? t('console.flag.priceDetail', {
                                  median: formatMoney(Number(flag.detail.medianFen ?? 0), 'CNY', locale),
                                  mads: String(flag.detail.distanceMads ?? ''),
                                })
                              : String(flag.detail.duplicateOf ?? '')}
                        </li>
                      ))}
                      {item.reports.map((report) => (
                        <li key={report.id}>{t('console.review.reported', { reason: report.reason })}</li>
                      ))}
                    </ul>
                  </div>
                  <Form method="post" className="mt-3 space-y-2" noValidate>
                    <input type="hidden" name="listingId" value={item.id} />
                    <label htmlFor={`reason-${item.id}`} className="block text-sm font-medium text-slate-700">
                      {t('console.review.reason')}
                    </label>
                    <textarea
                      id={`reason-${item.id}`}
                      name="reason"
                      rows={2}
                      defaultValue={data?.listingId === item.id ? data.values.reason : ''}
                      aria-invalid={errors.reason ? true : undefined}
                      className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
                    />
                    <FieldError name="reason" error={errors.reason ?? errors.form} />
                    <div className="flex flex-wrap gap-2">
                      <SubmitButton intent="approve">{t('console.review.approve')}</SubmitButton>
                      <SubmitButton intent="reject" variant="secondary">
                        {t('console.review.reject')}
                      </SubmitButton>
                      <SubmitButton intent="remove" variant="danger">
                        {t('console.review.remove')}
                      </SubmitButton>
                    </div>
                  </Form>
                </Card>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'console.review.title');
