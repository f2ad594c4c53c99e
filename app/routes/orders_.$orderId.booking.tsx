// Request cold-chain transport for a paid order: pickup place and window, drop-off and deadline, class, weight, pallets.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { eq } from '~/lib/db.server';
import { orders } from '~/lib/db.server';
import { FormAlert, FormFields, SubmitButton } from '~/components/forms';
import { Card, PageHeader } from '~/components/ui';
import { TEMP_CLASSES } from '~/coldchain/classes';
import {
  ColdChainError,
  bookingDefaults,
  marketTimeZone,
  requestBooking,
} from '~/coldchain/coldchain.server';
import { readBookingForm } from '~/coldchain/forms.server';
import { shortId } from '~/coldchain/matcher.server';
import { toMarketDateTime } from '~/coldchain/time';
import { requireOrgRole, requireUser } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, readFormData } from '~/lib/forms.server';
import { useT } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { redirectWithToast } from '~/lib/toast.server';
import { mayView } from '~/orders/orders.server';
import { notFound } from '~/lib/http.server';

async function visibleOrder(request: Request, orderId: string) {
  const viewer = await requireUser(request);
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  // Another organisation's order is "not found": its existence is not revealed.
  if (!order || !mayView(viewer, order)) throw notFound();
  return { viewer, order };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { order } = await visibleOrder(request, params.orderId ?? '');
  const defaults = await bookingDefaults(db, order.id);
  if (!defaults) throw notFound();
  const tz = marketTimeZone();
  return json({
    order: { id: order.id, shortId: shortId(order.id), status: order.status },
    defaults: {
      tempClass: defaults.tempClass,
      weightKg: String(defaults.weightKg),
      pallets: String(defaults.pallets),
      pickupPlace: defaults.pickupPlace,
      dropoffPlace: defaults.dropoffPlace,
      pickupFrom: toMarketDateTime(defaults.pickupFrom, tz),
      pickupUntil: toMarketDateTime(defaults.pickupUntil, tz),
      deliverBy: toMarketDateTime(defaults.deliverBy, tz),
    },
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, order } = await visibleOrder(request, params.orderId ?? '');
  // Asking for transport changes something: a trader (or more) of the buyer or the seller, not suspended.
  const side = [order.sellerOrgId, order.buyerOrgId].find((orgId) =>
    viewer.memberships.some((m) => m.orgId === orgId && m.role !== 'viewer'),
  );
  await requireOrgRole(request, side ?? order.buyerOrgId, 'trader');
  const formData = await readFormData(request);
  const parsed = readBookingForm(formData);
  if (!parsed.ok) return formError(parsed.errors, parsed.values);
  try {
    await requestBooking(viewer, order.id, parsed.data);
  } catch (error) {
    if (!(error instanceof ColdChainError)) throw error;
    if (error.status === 404) throw notFound();
    return formError({ [error.field]: error.messageKey }, formValues(formData), error.status);
  }
  return redirectWithToast(`/orders/${order.id}`, 'coldchain.toast.requested');
}

export default function RequestBooking() {
  const { order, defaults } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useT();
  const errors: Record<string, string> = failed?.errors ?? {};
  const values: Record<string, string> = failed?.values ?? defaults;
  const notPaid = order.status !== 'paid' ? 'coldchain.errors.orderNotPaid' : undefined;
  return (
    <div className="mx-auto max-w-2xl">
      <Link to={`/orders/${order.id}`} className="text-sm text-sea-700 underline">
        ← {t('coldchain.request.back')}
      </Link>
      <PageHeader title={t('coldchain.request.title')} />
      <Card>
        <p className="mb-4 text-sm text-slate-600">{t('coldchain.request.intro', { id: order.shortId })}</p>
        <Form method="post" noValidate className="space-y-4" data-testid="booking-form">
          <FormAlert error={errors.form ?? notPaid} />
          <FormFields
            values={values}
            errors={errors}
            fields={[
              {
                name: 'tempClass',
                label: t('coldchain.request.class'),
                options: TEMP_CLASSES.map((c) => ({ value: c, label: t(`coldchain.class.${c}`) })),
              },
              [
                { name: 'weightKg', label: t('coldchain.request.weightKg'), inputMode: 'numeric' },
                { name: 'pallets', label: t('coldchain.request.pallets'), inputMode: 'numeric' },
              ],
              { name: 'pickupPlace', label: t('coldchain.request.pickupPlace') },
              [
                { name: 'pickupFrom', type: 'datetime-local', label: t('coldchain.request.pickupFrom') },
                { name: 'pickupUntil', type: 'datetime-local', label: t('coldchain.request.pickupUntil') },
              ],
              { name: 'dropoffPlace', label: t('coldchain.request.dropoffPlace') },
              { name: 'deliverBy', type: 'datetime-local', label: t('coldchain.request.deliverBy') },
              { name: 'note', label: t('coldchain.booking.note'), multiline: true, required: false },
            ]}
          />
          <SubmitButton>{t('coldchain.request.submit')}</SubmitButton>
        </Form>
      </Card>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, 'coldchain.request.title', data?.order.shortId);
