import { useI18n, type MessageKey } from '../../../lib/i18n';
import { MoneyInput } from '../../../components/money-input';
import { moneyEcho } from '../../../lib/money-input';
import type { LadderRow, PremiumRow, TermsForm } from '../lib/terms';

/** Messages keyed by field, `terms.ladder.1.step` style (client checks and the server's answer alike). */
export type FieldErrors = Record<string, string>;

/** A table cell's input; an amount (in 元, as its column says) echoes its 万元 beside it as it is typed. */
function Cell({ id, label, value, onChange, error, testId, disabled, money }: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  testId: string;
  disabled?: boolean;
  money?: boolean;
}) {
  const { locale } = useI18n();
  const echo = money ? moneyEcho(value, 'yuan', locale, { allowZero: true }) : null;
  return (
    <td className={error ? 'field-invalid' : undefined}>
      <input
        id={id}
        aria-label={label}
        inputMode="decimal"
        value={value}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
      {money && (
        <output className="money-echo" htmlFor={id} data-testid={`${testId}-echo`}>
          {echo ?? ''}
        </output>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`} data-testid={`${testId}-error`}>
          {error}
        </p>
      )}
    </td>
  );
}

/** The increment ladder (加价幅度): price bands with their steps. */
export function LadderEditor({ rows, onChange, errors }: { rows: LadderRow[]; onChange: (rows: LadderRow[]) => void; errors: FieldErrors }) {
  const { t } = useI18n();
  const set = (i: number, patch: Partial<LadderRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="field terms-table" data-testid="ladder-editor">
      <legend>{t('auctions.form.ladder')}</legend>
      <p className="field-hint">{t('auctions.form.ladderHint')}</p>
      <table>
        <thead>
          <tr>
            <th>{t('auctions.form.bandFrom')}</th>
            <th>{t('auctions.form.step')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              <Cell
                id={`ladder-${i}-start`}
                label={`${t('auctions.form.bandFrom')} ${i + 1}`}
                value={row.start}
                onChange={(v) => set(i, { start: v })}
                error={errors[`terms.ladder.${i}.start`]}
                testId={`ladder-start-${i}`}
                money
              />
              <Cell
                id={`ladder-${i}-step`}
                label={`${t('auctions.form.step')} ${i + 1}`}
                value={row.step}
                onChange={(v) => set(i, { step: v })}
                error={errors[`terms.ladder.${i}.step`]}
                testId={`ladder-step-${i}`}
                money
              />
              <td>
                {rows.length > 1 && (
                  <button type="button" className="btn btn-small" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                    {t('auctions.form.removeBand')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {errors['terms.ladder'] && <p className="field-error">{errors['terms.ladder']}</p>}
      <button type="button" className="btn btn-small" data-testid="ladder-add" onClick={() => onChange([...rows, { start: '', step: '' }])}>
        {t('auctions.form.addBand')}
      </button>
    </fieldset>
  );
}

/** The buyer premium (佣金) by hammer-price band: a percentage and/or a fixed amount. */
export function PremiumEditor({ rows, onChange, errors }: { rows: PremiumRow[]; onChange: (rows: PremiumRow[]) => void; errors: FieldErrors }) {
  const { t } = useI18n();
  const set = (i: number, patch: Partial<PremiumRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="field terms-table" data-testid="premium-editor">
      <legend>{t('auctions.form.premium')}</legend>
      <p className="field-hint">{t('auctions.form.premiumHint')}</p>
      <table>
        <thead>
          <tr>
            <th>{t('auctions.form.bandFrom')}</th>
            <th>{t('auctions.form.percent')}</th>
            <th>{t('auctions.form.fixed')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              <Cell
                id={`premium-${i}-start`}
                label={`${t('auctions.form.premium')} ${t('auctions.form.bandFrom')} ${i + 1}`}
                value={row.start}
                onChange={(v) => set(i, { start: v })}
                error={errors[`terms.premium.${i}.start`]}
                testId={`premium-start-${i}`}
                money
              />
              <Cell
                id={`premium-${i}-percent`}
                label={`${t('auctions.form.percent')} ${i + 1}`}
                value={row.percent}
                onChange={(v) => set(i, { percent: v })}
                error={errors[`terms.premium.${i}.percent_bp`]}
                testId={`premium-percent-${i}`}
              />
              <Cell
                id={`premium-${i}-fixed`}
                label={`${t('auctions.form.fixed')} ${i + 1}`}
                value={row.fixed}
                onChange={(v) => set(i, { fixed: v })}
                error={errors[`terms.premium.${i}.fixed`]}
                testId={`premium-fixed-${i}`}
                money
              />
              <td>
                {rows.length > 1 && (
                  <button type="button" className="btn btn-small" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                    {t('auctions.form.removeBand')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {errors['terms.premium'] && <p className="field-error">{errors['terms.premium']}</p>}
      <button type="button" className="btn btn-small" data-testid="premium-add" onClick={() => onChange([...rows, { start: '', percent: '', fixed: '' }])}>
        {t('auctions.form.addBand')}
      </button>
    </fieldset>
  );
}

type NumberField = Exclude<keyof TermsForm, 'ladder' | 'premium' | 'allowIndividuals'>;

/** Deposit, buying limit and the clock rules; `mode` hides what does not apply to the session's kind. */
export function TermsFields({ form, onChange, errors, mode }: {
  form: TermsForm;
  onChange: (form: TermsForm) => void;
  errors: FieldErrors;
  mode: 'timed' | 'live';
}) {
  const { t } = useI18n();
  const field = (name: NumberField, api: string, label: MessageKey, hint?: MessageKey) => {
    const error = errors[`terms.${api}`];
    const id = `terms-${api}`;
    return (
      <div className={`field${error ? ' field-invalid' : ''}`}>
        <label htmlFor={id}>{t(label)}</label>
        <input
          id={id}
          inputMode="decimal"
          value={form[name]}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => onChange({ ...form, [name]: e.target.value })}
          data-testid={id}
        />
        {hint && !error && <p className="field-hint">{t(hint)}</p>}
        {error && (
          <p className="field-error" id={`${id}-error`}>
            {error}
          </p>
        )}
      </div>
    );
  };
  // Amounts go through the one money input: typed in 元 (the label says so), 万元 echoed beside as typed.
  const amount = (name: 'deposit' | 'buyingLimit', api: string, label: MessageKey, hint: MessageKey) => (
    <MoneyInput
      id={`terms-${api}`}
      label={t(label)}
      unit="yuan"
      allowZero={name === 'deposit'}
      value={form[name]}
      onValueChange={(v) => onChange({ ...form, [name]: v })}
      error={errors[`terms.${api}`]}
      hint={t(hint)}
      data-testid={`terms-${api}`}
    />
  );
  return (
    <>
      <div className="field-pair">
        {amount('deposit', 'deposit', 'auctions.form.deposit', 'auctions.form.depositHint')}
        {amount('buyingLimit', 'buying_limit', 'auctions.form.buyingLimit', 'auctions.form.buyingLimitHint')}
      </div>
      <div className="field-pair">
        {mode === 'timed' && field('softCloseSeconds', 'soft_close_seconds', 'auctions.form.softClose')}
        {mode === 'timed' && field('extensionCapSeconds', 'extension_cap_seconds', 'auctions.form.extensionCap', 'auctions.form.extensionCapHint')}
        {mode === 'timed' && field('lotDurationMinutes', 'lot_duration_seconds', 'auctions.form.lotDuration')}
        {mode === 'timed' && field('staggerSeconds', 'stagger_seconds', 'auctions.form.stagger', 'auctions.form.staggerHint')}
        {mode === 'live' && field('liveCountdownSeconds', 'live_countdown_seconds', 'auctions.form.liveCountdown')}
        {field('conditionalWindowMinutes', 'conditional_window_seconds', 'auctions.form.conditionalWindow', 'auctions.form.conditionalWindowHint')}
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={form.allowIndividuals} onChange={(e) => onChange({ ...form, allowIndividuals: e.target.checked })} />
        {t('auctions.form.allowIndividuals')}
      </label>
    </>
  );
}
