// The logistics section of the active organisation, open to the kinds of organisation it serves.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { SectionPage } from '~/components/section';
import { requireOrgKind } from '~/lib/auth.server';
import { pageTitle } from '~/lib/meta';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOrgKind(request, ['carrier', 'seller', 'buyer', 'both']);
  return json({});
}

export default function Logistics() {
  return <SectionPage title="section.logistics.title" empty="section.logistics.empty" />;
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'section.logistics.title');
