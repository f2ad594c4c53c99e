// One inbox entry rendered in the reader's language from its type and parameters.
import { Link } from '@remix-run/react';
import { useLocale, useT } from '~/lib/i18n';
import { type Params, localizeParams, notificationKeys } from '~/notify/render';
import { marketTimeZone } from '~/lib/market-time';

export type NotificationView = {
  id: string;
  type: string;
  params: Params;
  link: string | null;
  readAt: string | null;
  createdAt: string;
};

export function formatTime(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: marketTimeZone(),
  }).format(new Date(iso));
}

export function NotificationText({ item }: { item: NotificationView }) {
  const t = useT();
  const locale = useLocale();
  const params = localizeParams(t, item.params, locale);
  const keys = notificationKeys(item.type);
  const title = t(keys.title, params);
  return (
    <div className="min-w-0">
      <p className={`text-sm ${item.readAt ? 'text-slate-700' : 'font-semibold text-slate-900'}`}>
        {item.link ? (
          <Link to={item.link} className="hover:underline">
            {title}
          </Link>
        ) : (
          title
        )}
      </p>
      <p className="mt-0.5 text-sm text-slate-600">{t(keys.body, params)}</p>
      <p className="mt-1 text-xs text-slate-500">
        <time dateTime={item.createdAt}>{formatTime(item.createdAt, locale)}</time>
      </p>
    </div>
  );
}
