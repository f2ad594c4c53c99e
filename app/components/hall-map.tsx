// The hall map of a fair: its booths on their grid as an SVG, drawn on the server (no script needed); each
// held booth links to its booth page, and the booth picked is outlined.
import { useT } from '~/lib/i18n';

export type MapBooth = {
  number: string;
  zone: string;
  row: number;
  col: number;
  exhibitor: string | null;
};

const CELL = 84;
const GAP = 8;
const ZONE_COLOURS = ['#e0f2fe', '#dcfce7', '#fef3c7', '#fce7f3', '#ede9fe', '#ffedd5'];

export function HallMap({
  fairId,
  booths,
  current,
}: {
  fairId: string;
  booths: MapBooth[];
  current?: string;
}) {
  const t = useT();
  if (booths.length === 0) return <p className="text-sm text-slate-600">{t('fairs.map.empty')}</p>;
  const zones = [...new Set(booths.map((b) => b.zone))].sort();
  const rows = Math.max(...booths.map((b) => b.row)) + 1;
  const cols = Math.max(...booths.map((b) => b.col)) + 1;
  const width = cols * (CELL + GAP) + GAP;
  const height = rows * (CELL + GAP) + GAP;
  return (
    <figure>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        className="h-auto w-full rounded border border-slate-200 bg-slate-50"
        style={{ maxWidth: `${cols * 120}px` }}
        role="group"
        aria-label={t('fairs.map.title')}
        data-testid="hall-map"
      >
        {booths.map((b) => {
          const x = GAP + b.col * (CELL + GAP);
          const y = GAP + b.row * (CELL + GAP);
          const fill = ZONE_COLOURS[zones.indexOf(b.zone) % ZONE_COLOURS.length];
          const label = b.exhibitor
            ? t('fairs.map.boothHeld', { number: b.number, zone: b.zone, exhibitor: b.exhibitor })
            : t('fairs.map.boothFree', { number: b.number, zone: b.zone });
          const shape = (
            <>
              <rect
                x={x}
                y={y}
                width={CELL}
                height={CELL}
                rx={6}
                fill={b.exhibitor ? fill : '#ffffff'}
                stroke={b.number === current ? '#0f766e' : '#94a3b8'}
                strokeWidth={b.number === current ? 4 : 1.5}
                strokeDasharray={b.exhibitor ? undefined : '4 3'}
              />
              <text x={x + 8} y={y + 22} fontSize={18} fontWeight={700} fill="#0f172a">
                {b.number}
              </text>
              <text x={x + 8} y={y + 44} fontSize={12} fill="#334155">
                {b.zone}
              </text>
              <text x={x + 8} y={y + 68} fontSize={12} fill="#0f172a">
                {b.exhibitor ? truncate(b.exhibitor, 5) : t('fairs.map.free')}
              </text>
              <title>{label}</title>
            </>
          );
          return b.exhibitor ? (
            <a key={b.number} href={`/fairs/${fairId}/booths/${b.number}`}>
              {shape}
            </a>
          ) : (
            <g key={b.number}>{shape}</g>
          );
        })}
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-3 text-xs text-slate-600">
        {zones.map((zone, i) => (
          <span key={zone} className="inline-flex items-center gap-1">
            <span
              className="inline-block size-3 rounded-sm border border-slate-300"
              style={{ background: ZONE_COLOURS[i % ZONE_COLOURS.length] }}
              aria-hidden
            />
            {zone}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

function truncate(text: string, max: number): string {
  return [...text].length > max ? `${[...text].slice(0, max).join('')}…` : text;
}
