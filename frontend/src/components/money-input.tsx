import { useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { useI18n } from '../lib/i18n';
import { moneyEcho, type MoneyUnit } from '../lib/money-input';
import { FieldShell } from './form';

type NativeProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'type' | 'inputMode'>;

export interface MoneyInputProps extends NativeProps {
  /** What the amount is ("Asking price"); the unit is added to it, so the label always names it. */
  label: string;
  /** 'wan' for car prices (asking, offers, counters, reserves, bids), 'yuan' for fees and deposits. */
  unit: MoneyUnit;
  /** The text as typed; parse it with parseMoney(value, unit) when submitting. */
  value: string;
  onValueChange: (text: string) => void;
  error?: string;
  hint?: ReactNode;
  allowZero?: boolean;
  id?: string;
  /** 'field' (label above, as TextField) or 'inline' (label and input on one line, for filter bars). */
  layout?: 'field' | 'inline';
  'data-testid'?: string;
}

/**
 * The one money input (docs/ui.md): a labelled amount in 万元 or 元 with the other unit beside it as it
 * is typed, so "14" can never be read as ¥14 when 14 万元 was meant.
 */
export function MoneyInput({
  label, unit, value, onValueChange, error, hint, allowZero, id, layout = 'field', 'data-testid': testId, ...input
}: MoneyInputProps) {
  const { t, locale } = useI18n();
  const auto = useId();
  const fieldId = id ?? auto;
  const echo = moneyEcho(value, unit, locale, { allowZero });
  const fullLabel = t('money.labelWithUnit', { label, unit: t(unit === 'wan' ? 'money.unit.wan' : 'money.unit.yuan') });
  const control = (
    <span className="money-input">
      <input
        id={fieldId}
        inputMode="decimal"
        autoComplete="off"
        value={value}
        onChange={(e) => onValueChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${fieldId}-echo${error ? ` ${fieldId}-error` : ''}`}
        data-testid={testId}
        {...input}
      />
      <output id={`${fieldId}-echo`} htmlFor={fieldId} className="money-echo" aria-live="polite" data-testid={testId ? `${testId}-echo` : undefined}>
        {echo ?? ''}
      </output>
    </span>
  );
  if (layout === 'inline') {
    return (
      <div className={`range-input money-field${error ? ' field-invalid' : ''}`}>
        <label htmlFor={fieldId}>{fullLabel}</label>
        {control}
        {error && (
          <p className="field-error" id={`${fieldId}-error`}>
            {error}
          </p>
        )}
      </div>
    );
  }
  return (
    <FieldShell id={fieldId} label={fullLabel} error={error} hint={hint}>
      {control}
    </FieldShell>
  );
}
