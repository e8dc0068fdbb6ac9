import {
  useEffect,
  useId,
  useRef,
  type FormEvent,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";

import { cn } from "@/components/ui/cn";
import { ApiError, errorMessage, type FieldErrors } from "@/lib/api-error";

/** Field errors the API sent with a 400, keyed by field name. */
export function fieldErrors(error: unknown): FieldErrors {
  return error instanceof ApiError ? error.fields : {};
}

/** The form's values as strings (numbers and dates are the caller's to parse). */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(form).forEach((value, key) => {
    if (typeof value === "string") out[key] = value;
  });
  return out;
}

/**
 * A form that reports the API's error: a banner for the whole form, field
 * errors beside their fields (rendered by the fields), and focus on the first
 * field in error, so keyboard and screen reader users land on it.
 */
export function Form({
  onSubmit,
  error,
  children,
  className,
  label,
}: {
  onSubmit: (values: Record<string, string>, form: HTMLFormElement) => void;
  error?: unknown;
  children: ReactNode;
  className?: string;
  label?: string;
}) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!error || !ref.current) return;
    const invalid = ref.current.querySelector<HTMLElement>("[aria-invalid='true']");
    (invalid ?? ref.current.querySelector<HTMLElement>("[data-form-error]"))?.focus();
  }, [error]);

  const handle = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSubmit(formValues(event.currentTarget), event.currentTarget);
  };
  const fields = fieldErrors(error);
  const nonField = fields.non_field_errors;
  return (
    <form ref={ref} onSubmit={handle} noValidate className={cn("space-y-4", className)} aria-label={label}>
      {error != null && (
        <div
          role="alert"
          tabIndex={-1}
          data-form-error
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          {nonField ?? errorMessage(error)}
        </div>
      )}
      {children}
    </form>
  );
}

const control =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30 aria-[invalid=true]:border-red-500 disabled:bg-slate-100";

type FieldShell = { label: string; error?: string; hint?: ReactNode; className?: string };

function useFieldIds(error?: string, hint?: ReactNode) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return { id, errorId, hintId, describedBy };
}

function Shell({
  id,
  label,
  error,
  errorId,
  hint,
  hintId,
  className,
  children,
}: FieldShell & { id: string; errorId: string; hintId: string; children: ReactNode }) {
  return (
    <div className={cn("space-y-1", className)}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {hint && (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

export function TextField({
  label,
  error,
  hint,
  className,
  ...props
}: FieldShell & InputHTMLAttributes<HTMLInputElement> & { name: string }) {
  const ids = useFieldIds(error, hint);
  return (
    <Shell {...ids} label={label} error={error} hint={hint} className={className}>
      <input
        id={ids.id}
        className={control}
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...props}
      />
    </Shell>
  );
}

export function SelectField({
  label,
  error,
  hint,
  className,
  children,
  ...props
}: FieldShell & SelectHTMLAttributes<HTMLSelectElement> & { name: string }) {
  const ids = useFieldIds(error, hint);
  return (
    <Shell {...ids} label={label} error={error} hint={hint} className={className}>
      <select
        id={ids.id}
        className={control}
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...props}
      >
        {children}
      </select>
    </Shell>
  );
}

export function TextareaField({
  label,
  error,
  hint,
  className,
  ...props
}: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement> & { name: string }) {
  const ids = useFieldIds(error, hint);
  return (
    <Shell {...ids} label={label} error={error} hint={hint} className={className}>
      <textarea
        id={ids.id}
        rows={3}
        className={control}
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...props}
      />
    </Shell>
  );
}

/** An unlabelled-looking control for filter bars; still labelled for AT. */
export function FilterInput({ label, ...props }: InputHTMLAttributes<HTMLInputElement> & { label: string }) {
  const id = useId();
  return (
    <div className="min-w-0">
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-slate-600">
        {label}
      </label>
      <input id={id} className={control} {...props} />
    </div>
  );
}

export function FilterSelect({
  label,
  children,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string }) {
  const id = useId();
  return (
    <div className="min-w-0">
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-slate-600">
        {label}
      </label>
      <select id={id} className={control} {...props}>
        {children}
      </select>
    </div>
  );
}
