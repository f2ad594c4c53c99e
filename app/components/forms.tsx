// Form fields with labels, hints and per-field messages; they refill what the user typed after an error.
import type { ReactNode } from 'react';
import { useNavigation } from '@remix-run/react';
import { useT, storedKey } from '~/lib/i18n';

type FieldProps = {
  name: string;
  /** The element's id, and the stem of its hint's and message's ids; the name by default (two forms on a page
   * that share field names give one of them a prefix). */
  id?: string;
  label: string;
  type?: string;
  hint?: string;
  error?: string;
  defaultValue?: string;
  autoComplete?: string;
  required?: boolean;
  inputMode?: 'text' | 'email' | 'numeric' | 'decimal';
};

export const inputClass =
  'mt-1 block w-full rounded-md border bg-white px-3 py-2 text-base shadow-sm focus:border-sea-600 focus:ring-1 focus:ring-sea-600';

export function Field({
  name,
  id = name,
  label,
  type = 'text',
  hint,
  error,
  defaultValue,
  autoComplete,
  required,
  inputMode,
}: FieldProps) {
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} required={required}>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={defaultValue}
        autoComplete={autoComplete}
        inputMode={inputMode}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        className={`${inputClass} ${error ? 'border-red-500' : 'border-slate-300'}`}
      />
    </FieldFrame>
  );
}

export function SelectField({
  name,
  id = name,
  label,
  options,
  error,
  defaultValue,
}: {
  name: string;
  id?: string;
  label: string;
  options: { value: string; label: string }[];
  error?: string;
  defaultValue?: string;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <select
        id={id}
        name={name}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={`${inputClass} ${error ? 'border-red-500' : 'border-slate-300'}`}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldError name={id} error={error} />
    </div>
  );
}

export function FieldError({ name, error }: { name: string; error?: string }) {
  const t = useT();
  if (!error) return null;
  return (
    <p id={`${name}-error`} role="alert" className="mt-1 text-sm text-red-600">
      {t(storedKey(error))}
    </p>
  );
}

export function FormAlert({ error }: { error?: string }) {
  const t = useT();
  if (!error) return null;
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
      {t(storedKey(error))}
    </div>
  );
}

/** A submit button that shows progress while its form is being sent. */
export function SubmitButton({
  children,
  intent,
  variant = 'primary',
}: {
  children: ReactNode;
  intent?: string;
  variant?: 'primary' | 'secondary' | 'danger';
}) {
  const navigation = useNavigation();
  const t = useT();
  const busy =
    navigation.state !== 'idle' &&
    navigation.formMethod !== undefined &&
    navigation.formMethod !== 'GET' &&
    (intent === undefined || navigation.formData?.get('intent') === intent);
  const styles = {
    primary: 'bg-sea-700 text-white hover:bg-sea-800',
    secondary: 'border border-slate-300 bg-white text-slate-800 hover:bg-slate-50',
    danger: 'border border-red-300 bg-white text-red-700 hover:bg-red-50',
  }[variant];
  return (
    <button
      type="submit"
      name={intent ? 'intent' : undefined}
      value={intent}
      disabled={busy}
      aria-busy={busy || undefined}
      className={`inline-flex items-center justify-center gap-2 rounded-md px-4 py-2 text-sm font-semibold shadow-sm disabled:opacity-60 ${styles}`}
    >
      {busy ? (
        <span
          className="size-3 animate-spin rounded-full border-2 border-current border-t-transparent"
          aria-hidden
        />
      ) : null}
      {busy ? t('common.loading') : children}
    </button>
  );
}

/** A labelled multi-line field with hint and message, like Field. */
export function TextareaField({
  name,
  id = name,
  label,
  hint,
  error,
  defaultValue,
  required,
  rows = 3,
  className,
}: {
  name: string;
  id?: string;
  label: string;
  hint?: string;
  error?: string;
  defaultValue?: string;
  required?: boolean;
  rows?: number;
  className?: string;
}) {
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} required={required} className={className}>
      <textarea
        id={id}
        name={name}
        rows={rows}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        className={`${inputClass} ${error ? 'border-red-500' : 'border-slate-300'}`}
      />
    </FieldFrame>
  );
}

/** One field of a form as data: an input, a select (with `options`) or a multi-line field (`multiline`). */
export type FieldSpec =
  | Omit<FieldProps, 'error' | 'defaultValue'>
  | { name: string; label: string; options: { value: string; label: string }[] }
  | { name: string; label: string; multiline: true; hint?: string; required?: boolean; rows?: number };

/**
 * A form's fields in order, each refilled from `values` (what was typed before an error) and showing its
 * message from `errors`. A nested list is a row: its fields stand side by side on wider screens.
 */
export function FormFields({
  fields,
  values,
  errors,
  idPrefix = '',
}: {
  fields: (FieldSpec | FieldSpec[])[];
  values: Record<string, string | undefined>;
  errors: Record<string, string | undefined>;
  /** Prefixes the fields' ids, for a second form on the page with the same field names. */
  idPrefix?: string;
}) {
  const one = (spec: FieldSpec) => {
    const filled = {
      id: `${idPrefix}${spec.name}`,
      defaultValue: values[spec.name],
      error: errors[spec.name],
    };
    if ('options' in spec) return <SelectField key={spec.name} {...spec} {...filled} />;
    if ('multiline' in spec) {
      const { multiline: _, ...textarea } = spec;
      return <TextareaField key={spec.name} {...textarea} {...filled} />;
    }
    return <Field key={spec.name} {...spec} {...filled} />;
  };
  return (
    <>
      {fields.map((field) =>
        Array.isArray(field) ? (
          <div key={field.map((spec) => spec.name).join(' ')} className="grid gap-4 sm:grid-cols-2">
            {field.map(one)}
          </div>
        ) : (
          one(field)
        ),
      )}
    </>
  );
}

function describedBy(name: string, hint?: string, error?: string): string | undefined {
  return (
    [hint ? `${name}-hint` : null, error ? `${name}-error` : null].filter(Boolean).join(' ') || undefined
  );
}

/** The label ("optional" when not required), the hint and the message around one control. */
function FieldFrame({
  id,
  label,
  hint,
  error,
  required,
  className,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  required?: boolean;
  className?: string;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
        {required === false ? (
          <span className="ml-1 font-normal text-slate-500">({t('common.optional')})</span>
        ) : null}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <FieldError name={id} error={error} />
    </div>
  );
}
