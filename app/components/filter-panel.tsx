// The filter panel of the market and the demand board: a collapsible frame, labelled selects and inputs for a GET form.
import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';
import { useT, storedKey } from '~/lib/i18n';

const labelClass = 'block text-sm font-medium text-slate-700';
const controlClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-2 text-base shadow-sm focus:border-sea-600 focus:ring-1 focus:ring-sea-600 sm:text-sm';

/** The URL of `path` with the current filter values and some changes; empty and null values are left out. */
export function hrefWith(
  path: string,
  values: Record<string, string | null | undefined>,
  changes: Record<string, string | null> = {},
): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...values, ...changes })) if (value) params.set(name, value);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

/**
 * The panel around the filters, ending with "apply" and (while a filter is set) "clear".
 * A <details> so phones can fold it away; on wide screens it is always open and its summary is only a heading.
 */
export function FilterPanel({
  testId,
  active,
  open = active > 0,
  clearHref,
  children,
}: {
  testId: string;
  /** How many filters are set: shown in the summary, and whether "clear" is offered. */
  active: number;
  open?: boolean;
  clearHref: string;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <details
      open={open}
      className="mb-4 self-start rounded-lg border border-slate-200 bg-white p-3 shadow-sm lg:[&::details-content]:[content-visibility:visible]"
      data-testid={testId}
    >
      <summary className="cursor-pointer text-sm font-semibold text-slate-800 lg:pointer-events-none lg:list-none">
        {active > 0 ? t('market.filters.active', { count: active }) : t('market.filters')}
      </summary>
      <div className="mt-3 grid grid-cols-2 gap-3 lg:grid-cols-1">
        {children}
        <div className="col-span-2 flex flex-wrap items-center gap-3 lg:col-span-1">
          <button
            type="submit"
            className="rounded-md bg-sea-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sea-800"
          >
            {t('market.filter.apply')}
          </button>
          {active > 0 ? (
            <Link to={clearHref} className="text-sm text-sea-700 underline">
              {t('market.filter.clear')}
            </Link>
          ) : null}
        </div>
      </div>
    </details>
  );
}

/** A labelled select; `any` is the text of its empty first option, left out where the filter always has a value. */
export function FilterSelect({
  name,
  label,
  value,
  any,
  options = [],
  className,
  children,
}: {
  name: string;
  label: string;
  value: string | undefined;
  any?: string;
  options?: { value: string; label: string }[];
  className?: string;
  /** Options beyond `options`, e.g. <optgroup>s. */
  children?: ReactNode;
}) {
  return (
    <div className={className}>
      <label htmlFor={name} className={labelClass}>
        {label}
      </label>
      <select id={name} name={name} defaultValue={value ?? ''} className={controlClass}>
        {any !== undefined ? <option value="">{any}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
        {children}
      </select>
    </div>
  );
}

/** The cold-chain filter, the same on the market and the demand board. */
export function ColdChainFilter({ value, className }: { value: string | undefined; className?: string }) {
  const t = useT();
  return (
    <FilterSelect
      name="coldChain"
      label={t('market.filter.coldChain')}
      value={value}
      any={t('market.filter.any')}
      options={(['frozen', 'chilled', 'live', 'ambient'] as const).map((c) => ({
        value: c,
        label: t(`listing.coldChain.${c}`),
      }))}
      className={className}
    />
  );
}

/**
 * A labelled number input with its message (a key) and hint. `hint` is its own, shown below it;
 * `hintId` names a hint elsewhere that it shares with other inputs.
 */
export function FilterNumber({
  name,
  label,
  value,
  error,
  hint,
  hintId,
  className,
}: {
  name: string;
  label: string;
  value: string | undefined;
  error?: string;
  hint?: string;
  hintId?: string;
  className?: string;
}) {
  const t = useT();
  const describedBy = [error ? `${name}-error` : null, hint ? `${name}-hint` : hintId]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={className}>
      <label htmlFor={name} className={labelClass}>
        {label}
      </label>
      <input
        id={name}
        name={name}
        inputMode="decimal"
        defaultValue={value ?? ''}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        className={`${controlClass} ${error ? 'border-red-500' : ''}`}
      />
      {error ? (
        <p id={`${name}-error`} role="alert" className="mt-1 text-xs text-red-600">
          {t(storedKey(error))}
        </p>
      ) : null}
      {hint ? (
        <p id={`${name}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
