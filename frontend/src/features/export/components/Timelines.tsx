import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { inEnglish } from '../lib/english';
import type { ShippingEvent, StepRecord, Vehicle } from '../api/export';
import { journey } from '../lib/desk';

/** The order's steps, newest last, one line per vehicle step. */
export function StepTimeline({ steps, vehicles }: { steps: StepRecord[]; vehicles: Vehicle[] }) {
  const { t, tDynamic, locale } = useI18n();
  const vin = new Map(vehicles.map((v) => [v.id, v.vin]));
  if (steps.length === 0) return <p className="muted">{t('export.timeline.none')}</p>;
  return (
    <ol className="export-timeline" data-testid="step-timeline">
      {steps.map((s, i) => (
        <li key={i} className={s.late ? 'export-red' : undefined}>
          <time dateTime={s.at}>{formatDateTime(s.at, locale)}</time> <strong>{tDynamic(`export.step.${s.step}`, s.step)}</strong>{' '}
          <span className="mono small">{vin.get(s.vehicle_id) ?? `#${s.vehicle_id}`}</span>
          {s.late && <span className="badge export-state"> {t('export.timeline.late')}</span>}
        </li>
      ))}
    </ol>
  );
}

/**
 * The shipment's journey: planned / estimated / actual times, a retracted event struck through with its
 * correction beneath it, and the ETA as the latest estimate.
 */
export function JourneyTimeline({
  events,
  eta,
  onCorrect,
  lang,
}: {
  events: ShippingEvent[];
  eta: string | null;
  onCorrect?: (e: ShippingEvent) => void;
  lang?: 'en';
}) {
  const i18n = useI18n();
  const locale = lang ?? i18n.locale;
  const t = lang ? inEnglish : i18n.tDynamic;
  return (
    <div className="export-journey">
      <p className="export-eta" data-testid="journey-eta">
        {eta ? t('export.timeline.eta', '', { time: formatDateTime(eta, locale) }) : t('export.timeline.noEta', '')}
      </p>
      {events.length === 0 ? (
        <p className="muted">{t('export.timeline.none', '')}</p>
      ) : (
        <ol className="export-timeline" data-testid="journey">
          {journey(events).map((e) => (
            <li
              key={e.id}
              className={`${e.retracted ? 'export-retracted' : ''}${e.corrects_id ? ' export-correction' : ''}`}
              data-testid={`event-${e.id}`}
              data-retracted={e.retracted ? 'true' : 'false'}
            >
              {e.retracted ? (
                <del>
                  <EventBody e={e} t={t} locale={locale} />
                </del>
              ) : (
                <EventBody e={e} t={t} locale={locale} />
              )}
              {e.retracted && <span className="badge export-state"> {t('export.timeline.retracted', '')}</span>}
              {e.corrects_id != null && <span className="badge"> {t('export.timeline.correction', '')}</span>}
              {onCorrect && !e.retracted && (
                <button type="button" className="btn btn-ghost btn-small" onClick={() => onCorrect(e)} data-testid={`event-${e.id}-correct`}>
                  {t('export.event.correct', '')}
                </button>
              )}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function EventBody({
  e,
  t,
  locale,
}: {
  e: ShippingEvent;
  t: (k: string, fallback: string, p?: Record<string, string>) => string;
  locale: 'en' | 'zh-CN';
}) {
  return (
    <>
      <strong>{t(`export.event.kind.${e.kind}`, e.kind)}</strong>
      {e.place ? ` · ${e.place}` : ''}
      {e.planned_at && <span className="small"> · {t('export.timeline.planned', '', { time: formatDateTime(e.planned_at, locale) })}</span>}
      {e.estimated_at && <span className="small"> · {t('export.timeline.estimated', '', { time: formatDateTime(e.estimated_at, locale) })}</span>}
      {e.actual_at && <span className="small"> · {t('export.timeline.actual', '', { time: formatDateTime(e.actual_at, locale) })}</span>}
      {e.note && <span className="muted small"> · {e.note}</span>}
    </>
  );
}
