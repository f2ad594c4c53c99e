// A section of the market that has no entries yet: its title and what to do to fill it.
import { PageHeader, EmptyState } from './ui';
import { type MessageKey, useT } from '~/lib/i18n';

export function SectionPage({ title, empty }: { title: MessageKey; empty: MessageKey }) {
  const t = useT();
  return (
    <div>
      <PageHeader title={t(title)} />
      <EmptyState>{t(empty)}</EmptyState>
    </div>
  );
}
