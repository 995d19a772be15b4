/** Small pieces the desk's pages share: the state badge, a deadline line, destination rules, money. */
import { isApiError } from '../../../lib/api-client';
import { useI18n } from '../../../lib/i18n';
import { formatCny } from '../../../lib/money';
import type { Deadline, Violation } from '../api/export';
import { deadlineKey, violationsOf, type Tone } from '../lib/desk';
import { cnyEquivalent, formatMinor } from '../lib/money';

export function StepBadge({ step, testId }: { step: string; testId?: string }) {
  const { tDynamic } = useI18n();
  return (
    <span className={`badge export-step export-step-${step}`} data-testid={testId}>
      {tDynamic(`export.step.${step}`, step)}
    </span>
  );
}

/** The nearest deadline with its colour and, when the car is amber or red, what to do about it. */
export function DeadlineLine({ deadline, tone, todo, testId }: { deadline: Deadline | null; tone: Tone; todo: string | null; testId?: string }) {
  const { t, tDynamic } = useI18n();
  const when = deadline ? deadlineKey(deadline) : null;
  return (
    <div className={`export-deadline${tone ? ` export-${tone}` : ''}`} data-testid={testId} data-tone={tone ?? 'none'}>
      {deadline && when ? (
        <>
          <strong>{tDynamic(`export.deadline.${deadline.what}`, deadline.what)}</strong>{' '}
          <span>{tDynamic(when.key, deadline.due, when.params)}</span>{' '}
          <span className="badge export-state">{tDynamic(`export.state.${deadline.state}`, deadline.state)}</span>
        </>
      ) : (
        <span className="muted">{t('export.vehicle.noDeadline')}</span>
      )}
      {todo && (
        <p className={tone ? 'export-todo' : 'export-next muted'} data-testid={testId ? `${testId}-todo` : undefined}>
          {tone ? '⚠ ' : ''}
          {tDynamic(`export.todo.${todo}`, todo)}
        </p>
      )}
    </div>
  );
}

/** Destination rules a car breaks: each with what it says and where it comes from (the rule's source). */
export function Violations({ items, testId }: { items: Violation[]; testId?: string }) {
  const { t, tDynamic } = useI18n();
  if (items.length === 0) return null;
  return (
    <div className="alert alert-error export-warnings" role="alert" data-testid={testId}>
      <strong>{t('export.warnings.title')}</strong>
      <ul>
        {items.map((w, i) => (
          <li key={i}>
            <span>{tDynamic(`error.${w.code}`, w.code)}</span>{' '}
            <span className="small">
              ({w.country}: {w.detail})
            </span>
            <br />
            <span className="small" data-testid={testId ? `${testId}-source` : undefined}>
              {t('export.warnings.source', { source: w.source, from: w.effective_from })}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The violations a refused request names in its details (a car that a destination bans). */
export function RefusalViolations({ error, testId }: { error: unknown; testId?: string }) {
  if (!isApiError(error)) return null;
  return <Violations items={violationsOf(error.details)} testId={testId} />;
}

/** A batch refusal names the failing cars: `details.vehicles = {VIN: [codes]}`. */
export function RefusalVehicles({ error }: { error: unknown }) {
  const { tDynamic } = useI18n();
  if (!isApiError(error)) return null;
  const byVin = (error.details as { vehicles?: unknown } | null)?.vehicles;
  if (typeof byVin !== 'object' || byVin === null) return null;
  const rows = Object.entries(byVin as Record<string, unknown>).filter(([, codes]) => Array.isArray(codes) && codes.length);
  if (rows.length === 0) return null;
  return (
    <ul className="export-refusals" data-testid="refusal-vehicles">
      {rows.map(([vin, codes]) => (
        <li key={vin}>
          <span className="mono">{vin}</span>: {(codes as string[]).map((c) => tDynamic(`error.${c}`, c)).join(' ')}
        </li>
      ))}
    </ul>
  );
}

/** An amount in the order's currency with its CNY equivalent at the order's fixed rate. */
export function OrderMoney({ minor, currency, rate, cnyFen }: { minor: number; currency: string; rate: string; cnyFen?: number }) {
  const { t, locale } = useI18n();
  // The server's figure (fixed when the car entered the order) wins; the same rule computes it otherwise.
  const cny = cnyFen !== undefined && currency !== 'CNY' ? formatCny(cnyFen, locale) : cnyEquivalent(minor, currency, rate, locale);
  return (
    <span className="export-money">
      <span className="nowrap">{formatMinor(minor, currency, locale)}</span>
      {cny && <span className="muted small nowrap">{t('export.order.cnyEquivalent', { amount: cny })}</span>}
    </span>
  );
}

/** The dealer organisations the user may export for. */
export function dealerOrgs(me: { organisations: { id: number; name: string; kind: string }[] } | null) {
  return (me?.organisations ?? []).filter((o) => o.kind === 'dealer');
}
