import { formatDateTime } from '../../../lib/format';
import { useI18n, type Locale } from '../../../lib/i18n';
import type { Eta, ShippingEvent, StepRecord } from '../api/export';
import { inEnglish } from '../lib/english';
import { journey, retractedIds } from '../lib/desk';

export interface VehicleSteps {
  vin: string;
  steps: StepRecord[];
}

/** The order's steps: every car's recorded steps in date order. */
export function StepTimeline({ vehicles }: { vehicles: VehicleSteps[] }) {
  const { t, tDynamic, locale } = useI18n();
  const rows = vehicles
    .flatMap((v) => v.steps.map((s) => ({ ...s, vin: v.vin })))
    .sort((a, b) => a.on.localeCompare(b.on) || a.recorded_at.localeCompare(b.recorded_at));
  if (rows.length === 0) return <p className="muted">{t('export.timeline.none')}</p>;
  return (
    <ol className="export-timeline" data-testid="step-timeline">
      {rows.map((s, i) => (
        <li key={i}>
          <time dateTime={s.on}>{s.on}</time> <strong>{tDynamic(`export.step.${s.step}`, s.step)}</strong>{' '}
          <span className="mono small">{s.vin}</span>{' '}
          <span className="muted small">{t('export.timeline.recorded', { time: formatDateTime(s.recorded_at, locale) })}</span>
        </li>
      ))}
    </ol>
  );
}

type Tr = (key: string, fallback: string, params?: Record<string, string>) => string;

/** The ETA line: the latest estimate of the arrival, or the actual arrival once it happened. */
/** An event's moment with its time; an arrival known only by its day (the arrived step) as that day alone. */
export function etaTime(eta: Eta, locale: Locale): string {
  if (eta.precision !== 'day') return formatDateTime(eta.at, locale);
  return new Date(eta.at).toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export function EtaLine({ eta, tr, locale, testId }: { eta: Eta | null; tr: Tr; locale: Locale; testId?: string }) {
  return (
    <p className="export-eta" data-testid={testId}>
      {eta
        ? tr(eta.kind === 'actual' ? 'export.timeline.arrived' : 'export.timeline.eta', '', { time: etaTime(eta, locale) })
        : tr('export.timeline.noEta', '')}
    </p>
  );
}

/**
 * The shipment's journey: planned / estimated / actual events, a retracted event struck through with its
 * correction beneath it, and the ETA as the latest estimate.
 */
export function JourneyTimeline({
  events,
  eta,
  onCorrect,
  english,
}: {
  events: ShippingEvent[];
  eta: Eta | null;
  onCorrect?: (e: ShippingEvent) => void;
  english?: boolean;
}) {
  const i18n = useI18n();
  const locale: Locale = english ? 'en' : i18n.locale;
  const tr: Tr = english ? inEnglish : i18n.tDynamic;
  const retracted = retractedIds(events);
  return (
    <div className="export-journey">
      <EtaLine eta={eta} tr={tr} locale={locale} testId="journey-eta" />
      {events.length === 0 ? (
        <p className="muted">{tr('export.timeline.none', '')}</p>
      ) : (
        <ol className="export-timeline" data-testid="journey">
          {journey(events).map((e) => {
            const gone = e.retracted || retracted.has(e.id);
            const body = (
              <>
                <span className={`badge export-cls export-cls-${e.classifier}`}>{tr(`export.classifier.${e.classifier}`, e.classifier)}</span>{' '}
                <strong>{tr(`export.event.kind.${e.event_type}`, e.event_type)}</strong>
                {e.location_name || e.location_code ? ` · ${[e.location_name, e.location_code].filter(Boolean).join(' ')}` : ''}{' '}
                <time dateTime={e.event_time} className="small">
                  {formatDateTime(e.event_time, locale)}
                </time>
                {e.note && <span className="muted small"> · {e.note}</span>}
              </>
            );
            return (
              <li
                key={e.id}
                className={`${gone ? 'export-retracted' : ''}${e.retracts_event_id ? ' export-correction' : ''}`}
                data-testid={`event-${e.id}`}
                data-retracted={gone ? 'true' : 'false'}
              >
                {gone ? <del>{body}</del> : body}
                {gone && <span className="badge export-state"> {tr('export.timeline.retracted', '')}</span>}
                {e.retracts_event_id != null && <span className="badge"> {tr('export.timeline.correction', '', { id: String(e.retracts_event_id) })}</span>}
                {onCorrect && !gone && (
                  <button type="button" className="btn btn-ghost btn-small" onClick={() => onCorrect(e)} data-testid={`event-${e.id}-correct`}>
                    {tr('export.event.correct', '')}
                  </button>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
