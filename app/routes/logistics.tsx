// The logistics desk: a carrier's bookings to answer, pickups and deliveries, vehicles and cold rooms; a trader's bookings and trace exports.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { Field, type FieldSpec, FormAlert, FormFields, SubmitButton } from '~/components/forms';
import { listingTitle } from '~/components/listing-form';
import { ShipmentCard, type ShipmentCardData } from '~/components/shipment-card';
import { Badge, Card, EmptyState, PageHeader } from '~/components/ui';
import { TEMP_CLASSES } from '~/coldchain/classes';
import {
  ColdChainError,
  acceptBooking,
  addColdRoom,
  addVehicle,
  carrierDesk,
  declineBooking,
  deviceSecret,
  recordDelivery,
  recordPickup,
  setVehicleActive,
  traderBookings,
} from '~/coldchain/coldchain.server';
import { readColdRoomForm, readHandoverWeight, readVehicleForm } from '~/coldchain/forms.server';
import { labelledLots } from '~/trace/trace.server';
import { routeLabel, shortId } from '~/coldchain/matcher.server';
import { requireOrgKind } from '~/lib/auth.server';
import { db } from '~/lib/db.server';
import { formError, formValues, readFormData } from '~/lib/forms.server';
import { useLocale, useT, storedKey } from '~/lib/i18n';
import { pageTitle } from '~/lib/meta';
import { readMultipart } from '~/lib/multipart.server';
import { redirectWithToast } from '~/lib/toast.server';
import { notFound } from '~/lib/http.server';

type Row = Awaited<ReturnType<typeof traderBookings>>[number];

function cardOf(row: Row): ShipmentCardData {
  const b = row.booking;
  return {
    id: b.id,
    orderId: b.orderId,
    orderShortId: shortId(b.orderId),
    status: b.status,
    titleZh: row.titleZh,
    titleEn: row.titleEn,
    route: routeLabel(b.pickupPlace, b.dropoffPlace),
    pickupPlace: b.pickupPlace,
    dropoffPlace: b.dropoffPlace,
    tempClass: b.tempClass,
    weightKg: b.weightKg,
    pallets: b.pallets,
    pickupFrom: b.pickupFrom.toISOString(),
    pickupUntil: b.pickupUntil.toISOString(),
    deliverBy: b.deliverBy.toISOString(),
    plate: row.plate,
    extraKm: b.extraKm,
  };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireOrgKind(request, ['carrier', 'seller', 'buyer', 'both']);
  const org = viewer.activeOrg;
  if (org.kind !== 'carrier') {
    const rows = await traderBookings(db, org.orgId);
    const sells = org.kind === 'seller' || org.kind === 'both';
    return json({
      kind: 'trader' as const,
      bookings: rows.map(cardOf),
      sells,
      // Each lot's label with its trace QR code, for the seller to print on the boxes.
      lots: sells ? await labelledLots(db, org.orgId) : [],
    });
  }
  const desk = await carrierDesk(db, org.orgId);
  const asked = new URL(request.url).searchParams.get('secret');
  const secret =
    asked && org.role !== 'viewer'
      ? { deviceId: asked, value: await deviceSecret(db, org.orgId, asked) }
      : null;
  const cards = desk.jobs.map(cardOf);
  return json({
    kind: 'carrier' as const,
    offered: cards.filter((c) => c.status === 'offered'),
    pickups: cards.filter((c) => c.status === 'accepted'),
    transit: cards.filter((c) => c.status === 'picked_up'),
    done: cards.filter((c) => c.status === 'delivered').slice(0, 20),
    vehicles: desk.fleet.map(({ vehicle, deviceId }) => ({
      id: vehicle.id,
      plate: vehicle.plate,
      tempClass: vehicle.tempClass,
      capacityKg: vehicle.capacityKg,
      capacityPallets: vehicle.capacityPallets,
      homeBase: vehicle.homeBase,
      active: vehicle.active,
      availableFrom: vehicle.availableFrom,
      availableUntil: vehicle.availableUntil,
      deviceId,
    })),
    rooms: desk.rooms.map((room) => ({
      id: room.id,
      name: room.name,
      place: room.place,
      tempClass: room.tempClass,
      capacityKg: room.capacityKg,
      capacityPallets: room.capacityPallets,
    })),
    secret: secret?.value ? secret : null,
  });
}

const TOASTS = {
  add_vehicle: 'coldchain.toast.vehicleAdded',
  add_room: 'coldchain.toast.roomAdded',
  toggle_vehicle: 'coldchain.toast.vehicleChanged',
  accept: 'coldchain.toast.accepted',
  decline: 'coldchain.toast.declined',
  pickup: 'coldchain.toast.pickedUp',
  deliver: 'coldchain.toast.delivered',
} as const;

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireOrgKind(request, ['carrier'], 'trader');
  const carrierOrgId = viewer.activeOrg.orgId;
  // Hand-overs post multipart (their photos); every other form is urlencoded.
  const multipart = (request.headers.get('content-type') ?? '').startsWith('multipart/form-data');
  let fields: Record<string, string>;
  let formData: FormData | null = null;
  let photos: Awaited<ReturnType<typeof readMultipart<'photos'>>>['uploads'] = [];
  if (multipart) {
    const read = await readMultipart(request, {
      fileFields: {
        photos: {
          max: 4,
          pdf: false,
          tooMany: 'coldchain.errors.tooManyPhotos',
          wrongType: 'coldchain.errors.photoType',
          tooLarge: 'coldchain.errors.photoTooLarge',
        },
      },
    });
    fields = read.fields;
    if (Object.keys(read.errors).length) return formError(read.errors, fields);
    photos = read.uploads;
  } else {
    formData = await readFormData(request);
    fields = formValues(formData);
  }
  const intent = fields.intent as keyof typeof TOASTS;
  if (!(intent in TOASTS)) return formError({ form: 'errors.invalid' }, fields);
  try {
    switch (intent) {
      case 'add_vehicle': {
        const parsed = readVehicleForm(formData ?? new FormData());
        if (!parsed.ok) return formError(parsed.errors, parsed.values);
        await addVehicle(carrierOrgId, parsed.data);
        break;
      }
      case 'add_room': {
        const parsed = readColdRoomForm(formData ?? new FormData());
        if (!parsed.ok) return formError(parsed.errors, parsed.values);
        await addColdRoom(carrierOrgId, parsed.data);
        break;
      }
      case 'toggle_vehicle':
        await setVehicleActive(carrierOrgId, fields.vehicleId ?? '', fields.active === '1');
        break;
      case 'accept':
        await acceptBooking(carrierOrgId, fields.bookingId ?? '');
        break;
      case 'decline':
        await declineBooking(carrierOrgId, fields.bookingId ?? '');
        break;
      case 'pickup':
      case 'deliver': {
        const weight = readHandoverWeight(fields);
        if ('error' in weight) return formError({ weightKg: weight.error }, fields);
        const input = {
          carrierOrgId,
          userId: viewer.user.id,
          bookingId: fields.bookingId ?? '',
          weightGrams: weight.grams,
          photos,
          note: fields.note?.trim().slice(0, 500) || null,
        };
        if (intent === 'pickup') await recordPickup(input);
        else await recordDelivery(input);
        break;
      }
    }
  } catch (error) {
    if (!(error instanceof ColdChainError)) throw error;
    // Another carrier's booking, or a vehicle that is not ours: not found, whatever the form.
    if (error.status === 404) throw notFound();
    return formError({ [error.field]: error.messageKey }, fields, error.status);
  }
  return redirectWithToast('/logistics', TOASTS[intent]);
}

export default function Logistics() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div>
      <PageHeader title={t('coldchain.desk.title')} />
      {data.kind === 'trader' ? <TraderDesk data={data} /> : <CarrierDesk data={data} />}
    </div>
  );
}

function TraderDesk({
  data,
}: {
  data: Extract<ReturnType<typeof useLoaderData<typeof loader>>, { kind: 'trader' }>;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-600">{t('coldchain.desk.traderIntro')}</p>
      <section>
        <h2 className="mb-3 text-lg font-semibold">{t('coldchain.desk.myBookings')}</h2>
        {data.bookings.length === 0 ? (
          <EmptyState
            action={
              <Link to="/orders" className="text-sea-700 underline">
                {t('orders.title')}
              </Link>
            }
          >
            {t('coldchain.desk.myBookingsEmpty')}
          </EmptyState>
        ) : (
          <ul className="grid gap-3 md:grid-cols-2" data-testid="my-bookings">
            {data.bookings.map((card) => (
              <li key={card.id}>
                <ShipmentCard card={card} />
              </li>
            ))}
          </ul>
        )}
      </section>
      {data.lots.length ? (
        <Card title={t('trace.label.link')}>
          <ul className="divide-y divide-slate-100 text-sm" data-testid="lot-labels">
            {data.lots.map((lot) => (
              <li key={lot.id} className="flex flex-wrap items-center gap-2 py-2">
                <span className="min-w-0 flex-1 break-words">{listingTitle(lot, locale)}</span>
                <Link to={`/sell/${lot.id}/label`} className="text-sea-700 underline">
                  {t('trace.label.title')}
                </Link>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
      {data.sells ? (
        <Card title={t('coldchain.desk.exports')}>
          <p className="mb-3 text-sm text-slate-600">{t('coldchain.desk.exportsIntro')}</p>
          <Form
            method="get"
            action="/trace/export"
            reloadDocument
            className="grid gap-3 sm:grid-cols-4 sm:items-end"
          >
            <Field name="from" type="date" label={t('coldchain.desk.from')} required={false} />
            <Field name="to" type="date" label={t('coldchain.desk.to')} required={false} />
            <button
              type="submit"
              name="format"
              value="csv"
              className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold"
            >
              {t('coldchain.desk.exportCsv')}
            </button>
            <button
              type="submit"
              name="format"
              value="jsonld"
              className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold"
            >
              {t('coldchain.desk.exportJson')}
            </button>
          </Form>
        </Card>
      ) : null}
    </div>
  );
}

type CarrierData = Extract<ReturnType<typeof useLoaderData<typeof loader>>, { kind: 'carrier' }>;

function CarrierDesk({ data }: { data: CarrierData }) {
  const t = useT();
  const failed = useActionData<typeof action>();
  const errorsFor = (intent: string, bookingId?: string): Record<string, string> =>
    failed && failed.values.intent === intent && (!bookingId || failed.values.bookingId === bookingId)
      ? failed.errors
      : {};
  const handover = (card: ShipmentCardData, intent: 'pickup' | 'deliver') => {
    const errors = errorsFor(intent, card.id);
    return (
      <Form
        method="post"
        encType="multipart/form-data"
        noValidate
        className="mt-3 space-y-3 border-t border-slate-100 pt-3"
        data-testid={`${intent}-form`}
      >
        <input type="hidden" name="bookingId" value={card.id} />
        <FormAlert error={errors.form} />
        <Field
          name="weightKg"
          label={t('coldchain.booking.weightKg')}
          inputMode="decimal"
          required={false}
          hint={t('coldchain.booking.weightHint')}
          error={errors.weightKg}
        />
        <div>
          <label htmlFor={`photos-${card.id}-${intent}`} className="block text-sm font-medium text-slate-700">
            {t('coldchain.booking.photos')}
            <span className="ml-1 font-normal text-slate-500">({t('common.optional')})</span>
          </label>
          <input
            id={`photos-${card.id}-${intent}`}
            name="photos"
            type="file"
            multiple
            accept="image/jpeg,image/png,image/webp"
            className="mt-1 block w-full text-sm"
          />
          <p className="mt-1 text-xs text-slate-500">{t('coldchain.booking.photosHint')}</p>
          {errors.photos ? (
            <p role="alert" className="mt-1 text-sm text-red-600">
              {t(storedKey(errors.photos))}
            </p>
          ) : null}
        </div>
        <SubmitButton intent={intent}>
          {t(intent === 'pickup' ? 'coldchain.booking.pickup' : 'coldchain.booking.deliver')}
        </SubmitButton>
      </Form>
    );
  };
  const section = (
    title: string,
    empty: string,
    cards: ShipmentCardData[],
    testId: string,
    extra?: (c: ShipmentCardData) => React.ReactNode,
  ) => (
    <section>
      <h2 className="mb-3 text-lg font-semibold">
        {title} <span className="text-sm font-normal text-slate-500">({cards.length})</span>
      </h2>
      {cards.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 bg-white px-4 py-6 text-center text-sm text-slate-500">
          {empty}
        </p>
      ) : (
        <ul className="grid gap-3 md:grid-cols-2" data-testid={testId}>
          {cards.map((card) => (
            <li key={card.id}>
              <ShipmentCard card={card}>{extra?.(card)}</ShipmentCard>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
  // The form to register a vehicle or a cold room, refilled with what was typed when it was refused.
  const addForm = (
    intent: 'add_vehicle' | 'add_room',
    testId: string,
    title: string,
    fields: FieldSpec[],
  ) => {
    const errors = errorsFor(intent);
    return (
      <>
        <h3 className="mt-5 font-semibold">{title}</h3>
        <Form method="post" noValidate className="mt-3 space-y-3" data-testid={testId}>
          <FormAlert error={errors.form} />
          <div className="grid gap-3 sm:grid-cols-2">
            <FormFields
              fields={fields}
              values={failed?.values.intent === intent ? failed.values : {}}
              errors={errors}
              // The cold-room form shares field names with the vehicle form above it; ids must stay unique.
              idPrefix={intent === 'add_room' ? 'room-' : ''}
            />
          </div>
          <SubmitButton intent={intent}>{title}</SubmitButton>
        </Form>
      </>
    );
  };
  // Vehicles and cold rooms are asked for their class and capacity alike.
  const capacityFields: FieldSpec[] = [
    {
      name: 'tempClass',
      label: t('coldchain.vehicles.class'),
      options: TEMP_CLASSES.map((c) => ({ value: c, label: t(`coldchain.class.${c}`) })),
    },
    { name: 'capacityKg', label: t('coldchain.vehicles.capacityKg'), inputMode: 'numeric' },
    { name: 'capacityPallets', label: t('coldchain.vehicles.capacityPallets'), inputMode: 'numeric' },
  ];
  const vehicleFields: FieldSpec[] = [
    { name: 'plate', label: t('coldchain.vehicles.plate'), hint: t('coldchain.vehicles.plateHint') },
    ...capacityFields,
    { name: 'homeBase', label: t('coldchain.vehicles.homeBase'), hint: t('coldchain.vehicles.homeBaseHint') },
    { name: 'availableFrom', type: 'date', label: t('coldchain.vehicles.availableFrom'), required: false },
    { name: 'availableUntil', type: 'date', label: t('coldchain.vehicles.availableUntil'), required: false },
  ];
  const roomFields: FieldSpec[] = [
    { name: 'name', label: t('coldchain.rooms.name') },
    { name: 'place', label: t('coldchain.rooms.place') },
    ...capacityFields,
  ];
  return (
    <div className="space-y-8">
      <p className="text-sm text-slate-600">{t('coldchain.desk.carrierIntro')}</p>
      {section(
        t('coldchain.desk.offered'),
        t('coldchain.desk.offeredEmpty'),
        data.offered,
        'offered',
        (card) => (
          <div className="mt-3 flex flex-wrap gap-2">
            <FormAlert error={errorsFor('accept', card.id).form ?? errorsFor('decline', card.id).form} />
            <Form method="post">
              <input type="hidden" name="bookingId" value={card.id} />
              <SubmitButton intent="accept">{t('coldchain.booking.accept')}</SubmitButton>
            </Form>
            <Form method="post">
              <input type="hidden" name="bookingId" value={card.id} />
              <SubmitButton intent="decline" variant="danger">
                {t('coldchain.booking.decline')}
              </SubmitButton>
            </Form>
          </div>
        ),
      )}
      {section(
        t('coldchain.desk.pickups'),
        t('coldchain.desk.pickupsEmpty'),
        data.pickups,
        'pickups',
        (card) => handover(card, 'pickup'),
      )}
      {section(
        t('coldchain.desk.transit'),
        t('coldchain.desk.transitEmpty'),
        data.transit,
        'transit',
        (card) => handover(card, 'deliver'),
      )}
      {section(t('coldchain.desk.done'), t('coldchain.desk.doneEmpty'), data.done, 'done')}

      <div className="grid items-start gap-4 lg:grid-cols-2">
        <Card title={t('coldchain.vehicles.title')}>
          {data.vehicles.length === 0 ? (
            <p className="text-sm text-slate-500">{t('coldchain.vehicles.empty')}</p>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm" data-testid="vehicles">
              {data.vehicles.map((v) => (
                <li key={v.id} className="flex flex-wrap items-center gap-2 py-2">
                  <span className="font-mono font-semibold">{v.plate}</span>
                  <Badge tone={v.active ? 'green' : 'slate'}>
                    {t(v.active ? 'coldchain.vehicles.active' : 'coldchain.vehicles.inactive')}
                  </Badge>
                  <span className="text-slate-600">{t(`coldchain.class.${v.tempClass}`)}</span>
                  <span className="text-slate-600 tabular-nums">
                    {t('coldchain.vehicles.capacity', { kg: v.capacityKg, count: v.capacityPallets })}
                  </span>
                  <span className="text-slate-500">{v.homeBase}</span>
                  {v.deviceId ? (
                    <span className="w-full text-xs text-slate-500">
                      {t('coldchain.vehicles.device', { id: v.deviceId })} ·{' '}
                      <Link to={`/logistics?secret=${v.deviceId}`} className="underline">
                        {t('coldchain.vehicles.showSecret')}
                      </Link>
                      {data.secret?.deviceId === v.deviceId ? (
                        <span className="block break-all">
                          {t('coldchain.vehicles.secret')}{' '}
                          <code className="font-mono">{data.secret.value}</code>
                        </span>
                      ) : null}
                    </span>
                  ) : null}
                  <Form method="post" className="ml-auto">
                    <input type="hidden" name="vehicleId" value={v.id} />
                    <input type="hidden" name="active" value={v.active ? '0' : '1'} />
                    <SubmitButton intent="toggle_vehicle" variant="secondary">
                      {t(v.active ? 'coldchain.vehicles.deactivate' : 'coldchain.vehicles.activate')}
                    </SubmitButton>
                  </Form>
                </li>
              ))}
            </ul>
          )}
          {addForm('add_vehicle', 'vehicle-form', t('coldchain.vehicles.add'), vehicleFields)}
        </Card>

        <Card title={t('coldchain.rooms.title')}>
          {data.rooms.length === 0 ? (
            <p className="text-sm text-slate-500">{t('coldchain.rooms.empty')}</p>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm" data-testid="rooms">
              {data.rooms.map((room) => (
                <li key={room.id} className="flex flex-wrap gap-2 py-2">
                  <span className="font-semibold">{room.name}</span>
                  <span className="text-slate-600">{t(`coldchain.class.${room.tempClass}`)}</span>
                  <span className="text-slate-600 tabular-nums">
                    {t('coldchain.vehicles.capacity', { kg: room.capacityKg, count: room.capacityPallets })}
                  </span>
                  <span className="w-full text-slate-500 break-words">{room.place}</span>
                </li>
              ))}
            </ul>
          )}
          {addForm('add_room', 'room-form', t('coldchain.rooms.add'), roomFields)}
        </Card>
      </div>
    </div>
  );
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'coldchain.desk.title');
