// After an account is deleted: says it is gone, and what the law keeps (under a pseudonym) and why.
import type { MetaFunction } from '@remix-run/node';
import { Link } from '@remix-run/react';
import { Card } from '~/components/ui';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';

export default function AccountDeleted() {
  const t = useT();
  return (
    <div className="mx-auto max-w-xl">
      <Card>
        <h1 className="text-xl font-bold text-slate-900">{t('erasure.deleted.title')}</h1>
        <p className="mt-3 text-sm text-slate-700">{t('erasure.deleted.lead')}</p>
        <p className="mt-3 text-sm text-slate-700">{t('erasure.deleted.kept')}</p>
        <Link to="/" className="mt-4 inline-block text-sm text-sea-700 underline">
          {t('erasure.deleted.home')}
        </Link>
      </Card>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'erasure.deleted.title');
