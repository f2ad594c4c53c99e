// The market floor: open to everyone, signed in or not.
import type { MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { SectionPage } from '~/components/section';

export async function loader() {
  return json({});
}

export default function Market() {
  return <SectionPage title="section.market.title" empty="section.market.empty" />;
}

export const meta: MetaFunction = () => [{ title: '市场 · 码头 Wharf' }];
