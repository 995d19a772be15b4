import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { LoadError, Notice } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDateTime } from '../../../lib/format';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { addComment, decideMonth, getMonthView, type MonthView } from '../api/stats';
import { money } from '../lib/figures';

export interface MonthRef {
  houseId: number;
  month: string;
}

/** Pick a house and month to review (analysts type a house id; the list of returns opens one directly). */
export function MonthPicker({ value, onPick }: { value: MonthRef | null; onPick: (ref: MonthRef) => void }) {
  const { t } = useI18n();
  const [house, setHouse] = useState(value ? String(value.houseId) : '');
  const [month, setMonth] = useState(value?.month ?? '');
  useEffect(() => {
    if (value) {
      setHouse(String(value.houseId));
      setMonth(value.month);
    }
  }, [value]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (/^\d+$/.test(house) && /^\d{4}-\d{2}$/.test(month)) onPick({ houseId: Number(house), month });
  };
  return (
    <form className="form-grid" onSubmit={submit} data-testid="month-picker">
      <label className="field">
        <span>{t('stats.return.house')}</span>
        <input inputMode="numeric" value={house} onChange={(e) => setHouse(e.target.value)} required pattern="\d+" />
      </label>
      <label className="field">
        <span>{t('stats.return.month')}</span>
        <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} required />
      </label>
      <button className="btn">{t('stats.month.open')}</button>
    </form>
  );
}

/** One house's month: figures, warnings, outliers against a year earlier, submissions to decide, the thread. */
export function MonthReview({ at, asAnalyst, onChange }: { at: MonthRef; asAnalyst: boolean; onChange: () => void }) {
  const { t, tDynamic, locale } = useI18n();
  const [view, setView] = useState<MonthView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState('');
  const [decisionNote, setDecisionNote] = useState('');
  const load = useCallback(() => {
    setError(null);
    getMonthView(at.houseId, at.month).then(setView).catch(setError);
  }, [at.houseId, at.month]);
  useEffect(load, [load]);
  const comment = useMutation(addComment);
  const decide = useMutation(decideMonth);
  if (error) return <LoadError error={error} onRetry={load} />;
  if (!view) return null;
  const f = view.figures;
  const post = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    const r = await comment.run(at.houseId, at.month, text.trim());
    if (r.ok) {
      setText('');
      load();
    }
  };
  const act = async (id: number, decision: 'approve' | 'request_correction') => {
    const r = await decide.run(at.houseId, at.month, id, decision, decisionNote);
    if (r.ok) {
      setDecisionNote('');
      load();
      onChange();
    }
  };
  const measure = (m: 'units' | 'turnover_fen', v: number) =>
    m === 'units' ? t('stats.return.unitsShort', { units: v }) : money(v, locale);
  return (
    <section className="section card" aria-labelledby="month-title" data-testid="month-review">
      <h2 id="month-title">{t('stats.month.title', { house: view.house.name, month: view.month })}</h2>
      <p className="muted small">
        {view.house.on_platform ? t('stats.month.onPlatform') : t('stats.month.offPlatform')}
        {view.house.province && ` · ${view.house.province} ${view.house.city}`}
      </p>
      <dl className="facts">
        <dt>{t('stats.month.units')}</dt>
        <dd data-testid="month-units">{f.units}</dd>
        <dt>{t('stats.month.turnover')}</dt>
        <dd>{money(f.turnover_fen, locale)}</dd>
        {Object.entries(f.by_source).map(([source, tally]) => (
          <div key={source}>
            <dt>{tDynamic(`stats.month.source.${source}`, source)}</dt>
            <dd>
              {measure('units', tally.units)} · {money(tally.turnover_fen, locale)}
            </dd>
          </div>
        ))}
        <dt>{t('stats.month.sessions')}</dt>
        <dd>
          {Object.entries(f.sessions)
            .map(([k, n]) => `${tDynamic(`stats.month.kind.${k}`, k)} ${n}`)
            .join(' · ') || '0'}
        </dd>
        <dt>{t('stats.month.undone')}</dt>
        <dd>{f.undone}</dd>
        <dt>{t('stats.month.transferUnknown')}</dt>
        <dd>{f.transfer_unknown}</dd>
        {f.return && (
          <>
            <dt>{t('stats.month.return')}</dt>
            <dd>
              {t('stats.month.returnLine', {
                units: f.return.units,
                bev: f.return.bev_units,
                inp: f.return.transfer_in_province,
                cross: f.return.transfer_cross_province,
              })}
            </dd>
          </>
        )}
      </dl>

      <h3>{t('stats.month.outliers', { factor: view.outlier_factor, month: view.year_earlier.month })}</h3>
      <ul data-testid="month-outliers">
        {view.outliers.map((o) => (
          <li key={o.measure} className={o.flagged ? 'text-warning' : undefined}>
            {t(`stats.month.measure.${o.measure}` as MessageKey)}: {measure(o.measure, o.value)} ·{' '}
            {t('stats.month.yearEarlier')} {measure(o.measure, o.year_earlier)}
            {o.flagged && <strong> · {t('stats.month.flagged')}</strong>}
          </li>
        ))}
      </ul>

      <h3>{t('stats.month.warnings', { count: view.warning_count })}</h3>
      {view.warnings.length > 0 && (
        <ul className="small">
          {view.warnings.map((w, i) => (
            <li key={i}>
              {tDynamic(`stats.warning.${w.code}`, w.code)} · {w.subject} · {w.detail}
            </li>
          ))}
        </ul>
      )}

      <h3>{t('stats.desk.submissions')}</h3>
      <FormError error={decide.error} />
      <ul>
        {view.submissions.map((s) => (
          <li key={s.id} data-testid={`month-submission-${s.id}`}>
            #{s.id} · {tDynamic(`stats.month.source.${s.source}`, s.source)} · {formatDateTime(s.created_at, locale)} ·{' '}
            <span className="badge">{t(`stats.desk.status.${s.status}` as MessageKey)}</span>
            {asAnalyst && s.status !== 'approved' && (
              <span className="row-actions">
                <button className="btn btn-small btn-primary" onClick={() => void act(s.id, 'approve')}>
                  {t('stats.desk.approveBtn')}
                </button>
                {s.status === 'received' && (
                  <button className="btn btn-small" onClick={() => void act(s.id, 'request_correction')}>
                    {t('stats.month.requestCorrection')}
                  </button>
                )}
              </span>
            )}
          </li>
        ))}
      </ul>
      {asAnalyst && view.submissions.some((s) => s.status !== 'approved') && (
        <label className="field">
          <span>{t('stats.desk.comment')}</span>
          <input value={decisionNote} onChange={(e) => setDecisionNote(e.target.value)} maxLength={2000} />
        </label>
      )}

      <h3>{t('stats.month.thread')}</h3>
      {view.comments.length === 0 && <p className="muted">{t('stats.month.noComments')}</p>}
      <ul data-testid="month-comments">
        {view.comments.map((c) => (
          <li key={c.id}>
            <strong>{t(c.author_role === 'analyst' ? 'stats.month.byAnalyst' : 'stats.month.byHouse')}</strong> ·{' '}
            {formatDateTime(c.created_at, locale)}: {c.text}
          </li>
        ))}
      </ul>
      <form onSubmit={post} className="form-grid">
        <label className="field">
          <span>{t('stats.month.addComment')}</span>
          <textarea value={text} onChange={(e) => setText(e.target.value)} maxLength={4000} rows={2} data-testid="month-comment" />
        </label>
        <button className="btn" disabled={comment.pending || !text.trim()}>
          {t('stats.month.post')}
        </button>
      </form>
      <FormError error={comment.error} />
      {comment.pending && <Notice tone="info">…</Notice>}
    </section>
  );
}
