// A bare static page for the SSR benchmarks' same-run baseline (tests/bench/ssr.ts): no loader of its own, so its
// cost is the server, Remix and the root layout (whose loader runs for every page, this one included).
import type { MetaFunction } from '@remix-run/node';

export default function BenchStatic() {
  return (
    <main>
      <h1>码头 · Wharf</h1>
      <p>基准页 · Benchmark page</p>
    </main>
  );
}

export const meta: MetaFunction = () => [{ title: '码头 · Wharf' }, { name: 'robots', content: 'noindex' }];
