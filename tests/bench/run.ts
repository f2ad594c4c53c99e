// Runs benchmarks by name (`npm run bench -- search --n 100000`), or all of them; one JSON line per result on stdout.
import { parseArgs } from 'node:util';

/** One result, as CONVENTIONS.md describes: a value, its baseline measured in the same run, and their ratio. */
export type BenchResult = {
  bench: string;
  metric: string;
  value: number;
  baseline: string;
  baseline_value: number;
  ratio: number;
} & Record<string, number | string | boolean>;

export type BenchContext = {
  /** Options after the names: `--n 100000` → { n: '100000' }. */
  options: Record<string, string | boolean | undefined>;
  emit: (result: BenchResult) => void;
  /** Progress and notes, on stderr. */
  log: (message: string) => void;
};

type Bench = { run: (context: BenchContext) => Promise<void> };

const BENCHES: Record<string, () => Promise<Bench>> = {
  search: () => import('./search'),
  settlement: () => import('./settlement'),
  booking: () => import('./booking'),
  matching: () => import('./matching'),
  auction: () => import('./auction'),
  ssr: () => import('./ssr'),
  'book-core': () => import('./book-core'),
  'price-index': () => import('./price-index'),
};

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  strict: false,
  options: {
    n: { type: 'string' },
    repeats: { type: 'string' },
    concurrency: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
  },
});

const names = positionals.length > 0 ? positionals : Object.keys(BENCHES);
const unknown = names.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark: ${unknown.join(', ')} (known: ${Object.keys(BENCHES).join(', ')})\n`,
  );
  process.exit(2);
}

for (const name of names) {
  const log = (message: string) => process.stderr.write(`[bench ${name}] ${message}\n`);
  const bench = await BENCHES[name]();
  await bench.run({
    options,
    log,
    emit: (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  });
}
