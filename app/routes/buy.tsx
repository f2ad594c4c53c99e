// The buy section of the active organisation, open to the kinds of organisation it serves.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { SectionPage } from '~/components/section';
import { requireOrgKind } from '~/lib/auth.server';
import { pageTitle } from '~/lib/meta';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireOrgKind(request, ['buyer', 'both']);
  return json({});
}

export default function Buy() {
  return <SectionPage title="section.buy.title" empty="section.buy.empty" />;
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'section.buy.title');
