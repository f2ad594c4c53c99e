// The inbox: newest first, paged, unread filter, mark one or all read (works without JavaScript); with
// JavaScript, new notifications appear as they arrive (server-sent events).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useLoaderData, useRevalidator } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { SubmitButton } from '~/components/forms';
import { NotificationText } from '~/components/notification';
import { EmptyState, PageHeader } from '~/components/ui';
import { db } from '~/lib/db.server';
import { requireUser } from '~/lib/auth.server';
import { useT } from '~/lib/i18n';
import type { Params } from '~/notify/render';
import { announceInbox, listInbox, markRead, unreadCount } from '~/notify/inbox.server';
import { pageTitle } from '~/lib/meta';
import { readFormData } from '~/lib/forms.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireUser(request);
  const url = new URL(request.url);
  const before = url.searchParams.get('before') ?? undefined;
  const unreadOnly = url.searchParams.get('unread') === '1';
  const [{ items, hasMore }, unread] = await Promise.all([
    listInbox(db, viewer.user.id, { before, unreadOnly }),
    unreadCount(db, viewer.user.id),
  ]);
  return json({
    items: items.map((n) => ({ ...n, params: n.params as Params })),
    hasMore,
    unread,
    unreadOnly,
    paged: Boolean(before),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireUser(request);
  const formData = await readFormData(request);
  const intent = formData.get('intent');
  if (intent === 'read-all') await markRead(db, viewer.user.id);
  else if (intent === 'read') {
    const id = formData.get('id');
    if (typeof id !== 'string') return json({ error: 'errors.invalid' }, { status: 400 });
    await markRead(db, viewer.user.id, id);
  } else return json({ error: 'errors.invalid' }, { status: 400 });
  await announceInbox(db, viewer.user.id).catch(() => {});
  return json({ ok: true });
}

/** Reloads the list when the unread count the server announces differs from the one shown. */
function useLiveInbox(unread: number, enabled: boolean) {
  const revalidator = useRevalidator();
  const shown = useRef(unread);
  shown.current = unread;
  // Kept in a ref so a new render does not reopen the stream.
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource('/events');
    source.addEventListener('inbox', (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as { unread?: number };
      if (typeof data.unread === 'number' && data.unread !== shown.current) revalidate.current();
    });
    return () => source.close();
  }, [enabled]);
}

export default function Inbox() {
  const { items, hasMore, unread, unreadOnly, paged } = useLoaderData<typeof loader>();
  const t = useT();
  const last = items.at(-1);
  // Older pages stay as they are; the newest page takes new notifications as they come.
  useLiveInbox(unread, !paged);
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title={t('inbox.title')}>
        <Link
          to={unreadOnly ? '/inbox' : '/inbox?unread=1'}
          className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 shadow-sm hover:bg-slate-50"
        >
          {unreadOnly ? t('inbox.all') : t('inbox.onlyUnread')}
        </Link>
        <Link
          to="/settings/notifications"
          className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 shadow-sm hover:bg-slate-50"
        >
          {t('inbox.preferences')}
        </Link>
        {unread > 0 ? (
          <Form method="post">
            <SubmitButton intent="read-all" variant="secondary">
              {t('inbox.markAllRead')}
            </SubmitButton>
          </Form>
        ) : null}
      </PageHeader>
      <p className="mb-3 text-sm text-slate-600" aria-live="polite" data-testid="inbox-unread">
        {t('inbox.unread', { count: unread })}
        {paged ? null : <span className="ml-2 text-slate-500">{t('inbox.live')}</span>}
      </p>
      {items.length === 0 ? (
        <EmptyState>{unreadOnly ? t('inbox.emptyUnread') : t('inbox.empty')}</EmptyState>
      ) : (
        <ul
          className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white"
          data-testid="inbox-list"
        >
          {items.map((item) => (
            <li
              key={item.id}
              className={`flex items-start gap-3 px-4 py-3 ${item.readAt ? '' : 'bg-sea-50'}`}
            >
              <span
                className={`mt-1.5 size-2 shrink-0 rounded-full ${item.readAt ? 'bg-transparent' : 'bg-sea-600'}`}
                aria-hidden
              />
              <div className="flex-1">
                <NotificationText item={item} />
              </div>
              {item.readAt ? null : (
                <Form method="post">
                  <input type="hidden" name="id" value={item.id} />
                  <button type="submit" name="intent" value="read" className="text-xs text-sea-700 underline">
                    {t('inbox.markRead')}
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="mt-4 flex justify-between text-sm">
        {paged ? (
          <Link to={unreadOnly ? '/inbox?unread=1' : '/inbox'} className="text-sea-700 underline">
            {t('inbox.newest')}
          </Link>
        ) : (
          <span />
        )}
        {hasMore && last ? (
          <Link
            to={`/inbox?before=${last.id}${unreadOnly ? '&unread=1' : ''}`}
            className="text-sea-700 underline"
          >
            {t('inbox.older')}
          </Link>
        ) : null}
      </div>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'inbox.title');
