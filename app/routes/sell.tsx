// The sell section of the active organisation, open to the kinds of organisation it serves.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { SectionPage } from '~/components/section';
import { requireOrgKind } from '~/lib/auth.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOrgKind(request, ['seller', 'both']);
  return json({});
}

export default function Sell() {
  return <SectionPage title="section.sell.title" empty="section.sell.empty" />;
}

export const meta: MetaFunction = () => [{ title: 'Sell · 码头 Wharf' }];
