import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import { issueField } from '../lib/api-client';
import { errorMessage, issueMessage, remainingIssues } from '../lib/errors';
import { useI18n } from '../lib/i18n';

export interface FieldShellProps {
  id: string;
  label: string;
  error?: string;
  hint?: ReactNode;
  children: ReactNode;
}

export function FieldShell({ id, label, error, hint, children }: FieldShellProps) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      {/* No "*" marker: the label text stays exactly the field's accessible name. */}
      <label htmlFor={id}>
        {label}
      </label>
      {children}
      {hint && !error && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> & {
  label: string;
  error?: string;
  hint?: ReactNode;
  id?: string;
};

export function TextField({ label, error, hint, id, required, ...input }: TextFieldProps) {
  const auto = useId();
  const fieldId = id ?? auto;
  const describedBy = error ? `${fieldId}-error` : hint ? `${fieldId}-hint` : undefined;
  return (
    <FieldShell id={fieldId} label={label} error={error} hint={hint}>
      <input
        id={fieldId}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...input}
      />
    </FieldShell>
  );
}

type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & {
  label: string;
  error?: string;
  hint?: ReactNode;
  id?: string;
  options: { value: string; label: string }[];
};

export function SelectField({ label, error, hint, id, options, required, ...select }: SelectFieldProps) {
  const auto = useId();
  const fieldId = id ?? auto;
  return (
    <FieldShell id={fieldId} label={label} error={error} hint={hint}>
      <select
        id={fieldId}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${fieldId}-error` : undefined}
        {...select}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

interface CheckboxGroupProps {
  legend: string;
  options: { value: string; label: string }[];
  value: string[];
  onChange: (value: string[]) => void;
  error?: string;
  name: string;
}

export function CheckboxGroup({ legend, options, value, onChange, error, name }: CheckboxGroupProps) {
  const errId = useId();
  return (
    <fieldset className={`field checkbox-group${error ? ' field-invalid' : ''}`} aria-describedby={error ? errId : undefined}>
      <legend>{legend}</legend>
      <div className="checkbox-row">
        {options.map((o) => {
          const checked = value.includes(o.value);
          return (
            <label key={o.value} className="checkbox">
              <input
                type="checkbox"
                name={name}
                value={o.value}
                checked={checked}
                onChange={() => onChange(checked ? value.filter((v) => v !== o.value) : [...value, o.value])}
              />
              {o.label}
            </label>
          );
        })}
      </div>
      {error && (
        <p className="field-error" id={errId}>
          {error}
        </p>
      )}
    </fieldset>
  );
}

interface FormErrorProps {
  error: unknown;
  /** Fields whose server-side errors are already shown next to their inputs. */
  fields?: readonly string[];
  /** Labels of the form's fields by path (`vehicle.colour` → "颜色"), so a remaining issue names its field in words. */
  labels?: Readonly<Record<string, string>>;
}

/** The error of a failed submit: message plus any validation issue not shown inline, in the reader's language. */
export function FormError({ error, fields = [], labels = {} }: FormErrorProps) {
  const i18n = useI18n();
  if (!error) return null;
  const issues = remainingIssues(error, fields);
  return (
    <div className="alert alert-error" role="alert" data-testid="form-error">
      <p>{errorMessage(error, i18n)}</p>
      {issues.length > 0 && (
        <ul>
          {issues.map((issue, i) => {
            const path = issueField(issue);
            const label = labels[path];
            return (
              <li key={i}>
                {/* A field path is an internal name: shown only to English readers, and only when no label is known. */}
                {label ? (
                  i18n.t('issue.withField', { field: label, message: issueMessage(issue, i18n.locale) })
                ) : (
                  <>
                    {path && i18n.locale === 'en' && <code>{path}</code>} {issueMessage(issue, i18n.locale)}
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

export function SubmitButton({ pending, children, className }: { pending: boolean; children: ReactNode; className?: string }) {
  const { t } = useI18n();
  return (
    <button type="submit" className={className ?? 'btn btn-primary'} disabled={pending} aria-busy={pending || undefined}>
      {pending ? t('common.working') : children}
    </button>
  );
}
