// E-mail: rendered in the recipient's language (HTML and text), sent over SMTP_URL with nodemailer, or kept
// in the development mailbox when no SMTP server is configured.
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { DbOrTx } from '../../db/client';
import { devMailbox } from '../../db/schema';
import { env } from '../lib/env.server';
import { type Locale, translator } from '../lib/i18n';
import { newId } from '../lib/ids';
import { remember } from '../lib/remember.server';

export type Mail = {
  to: string;
  subject: string;
  text: string;
  html: string;
  locale: Locale;
};

/** Where links in e-mails point: the configured public origin, else this process's own port. */
export function appOrigin(): string {
  return env().APP_ORIGIN ?? `http://localhost:${env().PORT}`;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * One e-mail in the recipient's language. `items` are the notifications it carries (one, or a day's
 * worth for the digest); each has a title, a body and an optional in-app link.
 */
export function composeMail(input: {
  to: string;
  name: string;
  locale: Locale;
  subject: string;
  lead?: string;
  items: { title: string; body: string; link?: string | null }[];
  /** Where links point; the market's own origin unless given. */
  origin?: string;
}): Mail {
  const t = translator(input.locale);
  const origin = input.origin ?? appOrigin();
  const settingsUrl = `${origin}/settings/notifications`;
  const greeting = t('email.greeting', { name: input.name });
  const footer = t('email.footer', { url: settingsUrl });
  const textItems = input.items.map((item) =>
    [item.title, item.body, item.link ? `${t('email.open')}: ${origin}${item.link}` : null]
      .filter(Boolean)
      .join('\n'),
  );
  const text = [greeting, input.lead, ...textItems, `--\n${footer}`].filter(Boolean).join('\n\n');
  const htmlItems = input.items
    .map(
      (item) => `<div style="margin:16px 0;padding:12px 16px;border:1px solid #e2e8f0;border-radius:8px">
<p style="margin:0 0 6px;font-weight:600;font-size:16px">${escapeHtml(item.title)}</p>
<p style="margin:0;color:#334155">${escapeHtml(item.body)}</p>${
        item.link
          ? `\n<p style="margin:10px 0 0"><a href="${escapeHtml(origin + item.link)}" style="color:#0f5e7a">${escapeHtml(t('email.open'))}</a></p>`
          : ''
      }
</div>`,
    )
    .join('\n');
  const html = `<!doctype html>
<html lang="${input.locale}"><head><meta charset="utf-8"><title>${escapeHtml(input.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f8fafc;font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',system-ui,sans-serif;color:#0f172a">
<div style="max-width:560px;margin:0 auto;background:#fff;padding:24px;border-radius:12px">
<p style="margin:0 0 8px;font-size:20px;font-weight:700;color:#0f5e7a">${escapeHtml(t('app.name'))}</p>
<p>${escapeHtml(greeting)}</p>${input.lead ? `\n<p>${escapeHtml(input.lead)}</p>` : ''}
${htmlItems}
<p style="margin-top:24px;font-size:12px;color:#64748b">${escapeHtml(t('email.footer', { url: '' }))}<a href="${escapeHtml(settingsUrl)}">${escapeHtml(settingsUrl)}</a></p>
</div></body></html>`;
  return { to: input.to, subject: input.subject, text, html, locale: input.locale };
}

/** nodemailer loads on the first e-mail (a worker's job), not in every process that imports this module. */
async function transport(): Promise<Transporter> {
  const url = env().SMTP_URL;
  const { default: nodemailer } = await import('nodemailer');
  return remember(`smtp:${url}`, () =>
    nodemailer.createTransport({
      url,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    } as SMTPTransport.Options),
  );
}

/** MAIL_FROM as configured when it names the sender; a bare address gets the market's name in the reader's language. */
export function sender(mailFrom: string, locale: Locale): string | { name: string; address: string } {
  const address = mailFrom.trim();
  return /^[^\s<>@]+@[^\s<>@]+$/.test(address) ? { name: translator(locale)('app.name'), address } : mailFrom;
}

export function smtpConfigured(): boolean {
  return Boolean(env().SMTP_URL);
}

/**
 * Sends one mail, or keeps it in the development mailbox without SMTP_URL. `sourceId` (the delivery or
 * digest id) becomes the Message-ID, so a receiver can drop a duplicate, and keys the mailbox copy.
 * Throws when the SMTP server refuses; the caller retries.
 */
export async function sendMail(
  tx: DbOrTx,
  mail: Mail,
  source: { id: string; userId: string | null },
): Promise<void> {
  if (!smtpConfigured()) {
    await tx
      .insert(devMailbox)
      .values({
        id: newId('mail'),
        sourceId: source.id,
        userId: source.userId,
        toAddress: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        locale: mail.locale,
      })
      .onConflictDoNothing({ target: devMailbox.sourceId });
    return;
  }
  const domain = /@([^>\s]+)/.exec(env().MAIL_FROM)?.[1] ?? 'wharf.test';
  await (await transport()).sendMail({
    from: sender(env().MAIL_FROM, mail.locale),
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: `<${source.id}@${domain}>`,
    headers: { 'Content-Language': mail.locale },
  });
}
