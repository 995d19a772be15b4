/** Small pieces the desk's pages share: the state badge, a deadline line, money in the order's currency. */
import type { Deadline } from '../api/export';
import { deadlineKey, todoKey, toneOf } from '../lib/desk';
import { cnyEquivalent, formatMinor } from '../lib/money';
import { useI18n } from '../../../lib/i18n';

export function StepBadge({ step, testId }: { step: string; testId?: string }) {
  const { tDynamic } = useI18n();
  return (
    <span className={`badge export-step export-step-${step}`} data-testid={testId}>
      {tDynamic(`export.step.${step}`, step)}
    </span>
  );
}

/** The next deadline with its colour and, when it is near or past, what to do about it. */
export function DeadlineLine({ deadline, testId }: { deadline: Deadline | null; testId?: string }) {
  const { t, tDynamic } = useI18n();
  if (!deadline) return <span className="muted">{t('export.vehicle.noDeadline')}</span>;
  const tone = toneOf(deadline.state);
  const when = deadlineKey(deadline);
  const todo = todoKey(deadline);
  return (
    <div className={`export-deadline${tone ? ` export-${tone}` : ''}`} data-testid={testId} data-state={deadline.state}>
      <strong>{tDynamic(`export.deadline.${deadline.what}`, deadline.what)}</strong>{' '}
      <span>{tDynamic(when.key, deadline.due, when.params)}</span>{' '}
      <span className="badge export-state">{tDynamic(`export.state.${deadline.state}`, deadline.state)}</span>
      {todo && <p className="export-todo">{tDynamic(todo, '')}</p>}
    </div>
  );
}

/** An amount in the order's currency with its CNY equivalent at the order's fixed rate. */
export function OrderMoney({ minor, currency, rate }: { minor: number; currency: string; rate: string }) {
  const { t, locale } = useI18n();
  const cny = cnyEquivalent(minor, currency, rate, locale);
  return (
    <span className="export-money">
      <span className="nowrap">{formatMinor(minor, currency, locale)}</span>
      {cny && <span className="muted small nowrap"> {t('export.order.cnyEquivalent', { amount: cny })}</span>}
    </span>
  );
}
