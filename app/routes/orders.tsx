// The orders section of the active organisation, open to the kinds of organisation it serves.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { SectionPage } from '~/components/section';
import { requireOrgKind } from '~/lib/auth.server';
import { pageTitle } from '~/lib/meta';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOrgKind(request, ['seller', 'buyer', 'both']);
  return json({});
}

export default function Orders() {
  return <SectionPage title="section.orders.title" empty="section.orders.empty" />;
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'section.orders.title');
