// A 承诺达标合格证 as printed: public, since the QR code on the paper leads here; its own QR leads to the lot's trace.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { BASES, COMMITMENTS, printedQuantity } from '~/compliance/commitments';
import { publicCertificate } from '~/compliance/certificates.server';
import { getViewer } from '~/lib/auth.server';
import { complianceCertificates, db, eq } from '~/lib/db.server';
import { env } from '~/lib/env.server';
import { notFound } from '~/lib/http.server';
import { type KeyIn, useLocale, useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { marketTimeZone } from '~/lib/market-time';
import { type QuantityUnit, unitLabel } from '~/lib/units';
import { digitalLinkPath } from '~/trace/epcis';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const found = await publicCertificate(db, params.certificateId ?? '');
  if (!found) throw notFound();
  const { certificate: c, lot } = found;
  // A lot that never went public (a draft) or was taken down keeps its certificates with its seller and operators.
  if (lot && (lot.status === 'draft' || lot.status === 'removed')) {
    const viewer = await getViewer(request);
    const allowed = viewer?.isOperator || viewer?.memberships.some((m) => m.orgId === lot.sellerOrgId);
    if (!allowed) throw notFound();
  }
  const tracePath = lot ? digitalLinkPath(lot.categoryId, lot.id) : null;
  // A split or repacked lot's certificate names the one it was issued from (its paper and its number).
  const [parent] = c.parentId
    ? await db
        .select({ id: complianceCertificates.id, number: complianceCertificates.number })
        .from(complianceCertificates)
        .where(eq(complianceCertificates.id, c.parentId))
    : [];
  const origin = env().APP_ORIGIN ?? new URL(request.url).origin;
  let qrSvg: string | null = null;
  if (tracePath) {
    // Loaded here, not at start: only label and certificate pages draw a QR code.
    const { default: QRCode } = await import('qrcode');
    qrSvg = await QRCode.toString(`${origin}${tracePath}`, {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 1,
    });
  }
  return json(
    {
      certificate: {
        id: c.id,
        number: c.number,
        productName: c.productName,
        quantity: printedQuantity(c.quantity),
        unit: c.unit,
        origin: c.origin,
        productionDate: c.productionDate,
        promisingParty: c.promisingParty,
        // The paper form carries the contact by law, and this page is that paper's copy (ADR 0044).
        contactPhone: c.contactPhone,
        commitments: c.commitments,
        basis: c.basis,
        source: c.source,
        hasFile: c.fileKey !== null,
        issuedAt: c.issuedAt.toISOString(),
        revoked: c.revokedAt !== null,
        parent: parent ?? null,
      },
      tracePath,
      qrSvg,
    },
    { headers: { 'Cache-Control': 'private, max-age=60' } },
  );
}

export default function CertificatePage() {
  const { certificate: c, tracePath, qrSvg } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const issuedOn = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: marketTimeZone() }).format(
    new Date(c.issuedAt),
  );
  const row = (label: string, value: string, testId?: string) => (
    <div className="grid grid-cols-[7.5rem_1fr] gap-2 border-b border-slate-300 py-1.5 sm:grid-cols-[9rem_1fr]">
      <dt className="text-slate-600">{label}</dt>
      <dd className="min-w-0 font-medium break-words" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
  return (
    <div className="mx-auto max-w-2xl print:max-w-none">
      <div className="mb-4 flex flex-wrap items-center gap-3 print:hidden">
        {tracePath ? (
          <a href={tracePath} className="text-sm text-sea-700 underline">
            {t('compliance.print.lotLink')}
          </a>
        ) : null}
        {c.hasFile ? (
          <a href={`/certificates/${c.id}/file`} className="text-sm text-sea-700 underline">
            {t('compliance.viewFile')}
          </a>
        ) : null}
        <button
          type="button"
          onClick={() => window.print()}
          className="ml-auto rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold"
        >
          {t('compliance.print.print')}
        </button>
      </div>
      {c.revoked ? (
        <p
          role="status"
          className="mb-4 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          {t('compliance.print.revokedNotice')}
        </p>
      ) : null}
      <article
        className="rounded-lg border-2 border-slate-900 bg-white p-4 text-slate-900 sm:p-6 print:rounded-none print:border-2"
        aria-labelledby="certificate-title"
        data-testid="certificate"
      >
        <header className="flex flex-wrap items-baseline justify-between gap-2 border-b-2 border-slate-900 pb-2">
          <h1 id="certificate-title" className="text-xl font-bold tracking-widest sm:text-2xl">
            {t('compliance.title')}
          </h1>
          <p className="font-mono text-sm">
            {t('compliance.field.number')}：<span data-testid="certificate-number">{c.number}</span>
          </p>
        </header>
        <div className="mt-3 flex flex-col gap-4 sm:flex-row">
          <dl className="min-w-0 flex-1 text-sm">
            {row(t('compliance.field.productName'), c.productName)}
            {row(
              t('compliance.field.quantity'),
              `${c.quantity} ${unitLabel(c.unit as QuantityUnit, locale)}`,
            )}
            {row(t('compliance.field.origin'), c.origin)}
            {row(t('compliance.field.productionDate'), c.productionDate)}
            {row(t('compliance.field.promisingParty'), c.promisingParty, 'certificate-party')}
            {c.contactPhone ? row(t('compliance.field.contactPhone'), c.contactPhone) : null}
            {row(t('compliance.field.issuedAt'), issuedOn)}
            {c.parent ? (
              <div className="grid grid-cols-[7.5rem_1fr] gap-2 border-b border-slate-300 py-1.5 sm:grid-cols-[9rem_1fr]">
                <dt className="text-slate-600">{t('compliance.field.parent')}</dt>
                <dd className="min-w-0 font-medium" data-testid="certificate-parent">
                  <Link
                    to={`/certificates/${c.parent.id}`}
                    className="text-sea-700 underline print:text-inherit print:no-underline"
                  >
                    {c.parent.number}
                  </Link>
                </dd>
              </div>
            ) : null}
          </dl>
          {qrSvg ? (
            <figure className="mx-auto w-36 shrink-0 text-center sm:mx-0">
              <div
                data-testid="certificate-qr"
                // The SVG is produced by the qrcode package on the server from our own URL.
                // biome-ignore lint/security/noDangerouslySetInnerHtml: trusted SVG markup generated server-side
                dangerouslySetInnerHTML={{ __html: qrSvg }}
              />
              <figcaption className="mt-1 text-xs">{t('compliance.print.scan')}</figcaption>
            </figure>
          ) : null}
        </div>
        {c.source === 'issued' ? (
          <div className="mt-4 text-sm">
            <p className="font-medium">{t('compliance.field.commitments')}</p>
            <ul className="mt-1 space-y-1">
              {COMMITMENTS.map((key) => (
                <li key={key} className="flex gap-2">
                  <span aria-hidden>{c.commitments.includes(key) ? '☑' : '☐'}</span>
                  <span>{t(`compliance.commit.${key}` as KeyIn<'compliance.commit'>)}</span>
                </li>
              ))}
            </ul>
            <p className="mt-3 font-medium">{t('compliance.field.basis')}</p>
            <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
              {BASES.map((key) => (
                <li key={key} className="flex gap-1">
                  <span aria-hidden>{c.basis.includes(key) ? '☑' : '☐'}</span>
                  <span>{t(`compliance.basis.${key}` as KeyIn<'compliance.basis'>)}</span>
                </li>
              ))}
            </ul>
            <p className="mt-6 text-right text-sm">
              {t('compliance.print.signature')}：
              <span className="inline-block w-32 border-b border-slate-900" />
            </p>
          </div>
        ) : (
          <p className="mt-4 text-sm">{t('compliance.source.uploaded')}</p>
        )}
      </article>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, 'compliance.title', data?.certificate.number);
