// Page titles in the reader's language: the root loader's locale, then the page's title key.
import type { MetaDescriptor } from '@remix-run/node';
import { DEFAULT_LOCALE, type Locale, type MessageKey, isLocale, translator } from './i18n';

type Match = { id: string; data: unknown };

export function localeOf(matches: Match[]): Locale {
  const root = matches.find((match) => match.id === 'root')?.data as { locale?: unknown } | undefined;
  return isLocale(root?.locale) ? root.locale : DEFAULT_LOCALE;
}

export function pageTitle(matches: Match[], key: MessageKey | null, extra?: string): MetaDescriptor[] {
  const t = translator(localeOf(matches));
  const parts = [extra, key ? t(key) : null, t('app.name')].filter(Boolean);
  return [{ title: parts.join(' · ') }];
}
