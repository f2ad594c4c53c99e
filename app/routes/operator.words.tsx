// The banned-word list screening uses (Chinese and English), edited by operators; every change is audited.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, SubmitButton } from '~/components/forms';
import { Badge, Card, EmptyState, PageHeader } from '~/components/ui';
import { requireOperator } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formValues, readFormData } from '~/lib/forms.server';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { TrustError, addBannedWord, listBannedWords, removeBannedWord } from '~/trust/moderation.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOperator(request);
  return json({ words: await listBannedWords(db) });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOperator(request);
  const values = formValues(await readFormData(request));
  try {
    if (values.intent === 'remove') {
      await db.transaction((tx) =>
        removeBannedWord(tx, { id: values.id ?? '', operatorUserId: viewer.user.id }),
      );
      return redirectWithToast('/operator/words', 'console.words.removed');
    }
    const added = await db.transaction((tx) =>
      addBannedWord(tx, { word: values.word ?? '', operatorUserId: viewer.user.id }),
    );
    if (!added) return json({ errors: { word: 'console.words.exists' }, values }, { status: 409 });
    return redirectWithToast('/operator/words', 'console.words.added');
  } catch (error) {
    if (!(error instanceof TrustError)) throw error;
    return json({ errors: { [error.field]: error.messageKey }, values }, { status: error.status });
  }
}

export default function BannedWords() {
  const { words } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  return (
    <div className="space-y-6">
      <PageHeader title={t('console.words.title')}>
        <Link to="/operator" className="text-sm text-sea-700 underline">
          {t('console.back')}
        </Link>
      </PageHeader>
      <p className="text-sm text-slate-600">{t('console.words.lead')}</p>
      <Card>
        <Form method="post" className="flex flex-wrap items-end gap-2" noValidate>
          <input type="hidden" name="intent" value="add" />
          <div className="min-w-0 flex-1">
            <Field
              name="word"
              label={t('console.words.word')}
              error={data?.errors.word}
              defaultValue={data?.values.word}
            />
          </div>
          <SubmitButton>{t('console.words.add')}</SubmitButton>
        </Form>
      </Card>
      {words.length === 0 ? (
        <EmptyState>{t('console.words.empty')}</EmptyState>
      ) : (
        <Card>
          <ul className="flex flex-wrap gap-2">
            {words.map((w) => (
              <li
                key={w.id}
                className="flex items-center gap-1 rounded-full border border-slate-200 px-3 py-1 text-sm"
              >
                <span>{w.word}</span>
                <Badge tone="slate">{w.lang}</Badge>
                <Form method="post">
                  <input type="hidden" name="intent" value="remove" />
                  <input type="hidden" name="id" value={w.id} />
                  <button
                    type="submit"
                    className="text-red-700"
                    aria-label={t('console.words.remove', { word: w.word })}
                  >
                    ×
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'console.words.title');
