import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Empty, LoadError, Notice } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDateTime } from '../../../lib/format';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { useSession } from '../../../lib/session';
import {
  decideSubmission,
  getCalendar,
  getSubmissions,
  publishRelease,
  submitFile,
  type CalendarEntry,
  type ImportResult,
  type Submission,
} from '../api/stats';
import { isAnalyst, isHouseReporter } from '../lib/access';
import { ReturnForm, ReturnList } from './MonthlyReturns';
import { MonthPicker, MonthReview, type MonthRef } from './MonthReview';

/** The association's desk: submit houses' files and returns, review a house's month, publish releases. A house's
 * admin sees the part that is theirs: the monthly return form, their returns and their months' threads. */
export function DeskPage() {
  const { t } = useI18n();
  useDocumentTitle(t('stats.desk.title'));
  const session = useSession();
  const [version, setVersion] = useState(0);
  const [month, setMonth] = useState<MonthRef | null>(null);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const analyst = isAnalyst(session.me);
  if (!analyst && !isHouseReporter(session.me)) return <Empty>{t('stats.desk.notAnalyst')}</Empty>;
  const open = (houseId: number, m: string) => setMonth({ houseId, month: m });
  return (
    <div className="page wide">
      <h1>{t('stats.desk.title')}</h1>
      {analyst && <UploadPanel onDone={refresh} />}
      <ReturnForm asAnalyst={analyst} onDone={refresh} />
      <ReturnList version={version} onOpen={open} />
      {analyst && (
        <section className="section" aria-label={t('stats.month.pick')}>
          <h2>{t('stats.month.pick')}</h2>
          <MonthPicker value={month} onPick={setMonth} />
        </section>
      )}
      {month && <MonthReview key={`${month.houseId}-${month.month}-${version}`} at={month} asAnalyst={analyst} onChange={refresh} />}
      {analyst && (
        <>
          <Submissions version={version} onChange={refresh} />
          <PublishPanel onDone={refresh} />
          <ReleaseCalendar version={version} />
        </>
      )}
    </div>
  );
}

function UploadPanel({ onDone }: { onDone: () => void }) {
  const { t, tDynamic } = useI18n();
  const [kind, setKind] = useState<'sessions' | 'sales'>('sessions');
  const [file, setFile] = useState<File | null>(null);
  const [approve, setApprove] = useState(false);
  const [goodRows, setGoodRows] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const send = useMutation(async () => (file ? submitFile(kind, file, approve, goodRows) : null));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await send.run();
    if (r.ok && r.value) {
      setResult(r.value);
      if (r.value.imported) onDone();
    }
  };
  return (
    <section className="section card" aria-labelledby="desk-upload">
      <h2 id="desk-upload">{t('stats.desk.upload')}</h2>
      <form className="form-grid" onSubmit={submit}>
        <label className="field">
          <span>{t('stats.desk.kind')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as 'sessions' | 'sales')} data-testid="desk-kind">
            <option value="sessions">{t('stats.desk.kind.sessions')}</option>
            <option value="sales">{t('stats.desk.kind.sales')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('stats.desk.file')}</span>
          <input type="file" accept=".csv,.xlsx" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="desk-file" />
        </label>
        <label className="checkbox-row">
          <input type="checkbox" checked={approve} onChange={(e) => setApprove(e.target.checked)} data-testid="desk-approve" />
          {t('stats.desk.approve')}
        </label>
        <label className="checkbox-row">
          <input type="checkbox" checked={goodRows} onChange={(e) => setGoodRows(e.target.checked)} />
          {t('stats.desk.goodRows')}
        </label>
        <button className="btn btn-primary" disabled={!file || send.pending} data-testid="desk-submit">
          {t('stats.desk.submit')}
        </button>
      </form>
      <FormError error={send.error} />
      {result && (
        <div data-testid="desk-result">
          {result.imported ? (
            <Notice>
              {t('stats.desk.result', { rows: result.rows_read, created: result.created, updated: result.updated, unchanged: result.unchanged })}
            </Notice>
          ) : (
            <Notice tone="warning">{t('stats.desk.rejected', { count: result.error_count })}</Notice>
          )}
          {result.errors.length > 0 && (
            <div className="table-wrap">
              <table className="admin-table" data-testid="desk-errors">
                <thead>
                  <tr>
                    <th className="num">{t('stats.desk.line')}</th>
                    <th>{t('stats.desk.column')}</th>
                    <th>{t('stats.desk.reason')}</th>
                    <th>{t('stats.desk.value')}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.errors.map((e, i) => (
                    <tr key={i}>
                      <td className="num">{e.line}</td>
                      <td>{e.column}</td>
                      <td>{tDynamic(`stats.reason.${e.reason}`, e.reason)}</td>
                      <td>{e.value}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {result.warning_count > 0 && <p className="muted">{t('stats.desk.warnings', { count: result.warning_count })}</p>}
        </div>
      )}
    </section>
  );
}

function Submissions({ version, onChange }: { version: number; onChange: () => void }) {
  const { t, locale } = useI18n();
  const [items, setItems] = useState<Submission[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [comments, setComments] = useState<Record<number, string>>({});
  const decide = useMutation(decideSubmission);
  useEffect(() => {
    getSubmissions()
      .then((r) => setItems(r.items))
      .catch(setError);
  }, [version]);
  if (error) return <LoadError error={error} />;
  if (items === null) return null;
  const act = async (id: number, decision: 'approve' | 'request_correction') => {
    const r = await decide.run(id, decision, comments[id] ?? '');
    if (r.ok) onChange();
  };
  return (
    <section className="section" aria-labelledby="desk-submissions">
      <h2 id="desk-submissions">{t('stats.desk.submissions')}</h2>
      <FormError error={decide.error} />
      {items.length === 0 ? (
        <Empty>{t('stats.desk.noSubmissions')}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="admin-table" data-testid="desk-submissions">
            <tbody>
              {items.map((s) => (
                <tr key={s.id} data-testid={`submission-${s.id}`}>
                  <td className="num">#{s.id}</td>
                  <td>{formatDateTime(s.created_at, locale)}</td>
                  <td>{t('stats.desk.rows', { sessions: s.sessions_rows, sales: s.sales_rows })}</td>
                  <td>
                    <span className="badge">{t(`stats.desk.status.${s.status}` as MessageKey)}</span>
                    {s.warnings.length > 0 && <span className="muted small"> {t('stats.desk.warnings', { count: s.warnings.length })}</span>}
                  </td>
                  <td>
                    {s.status !== 'approved' && (
                      <div className="row-actions">
                        <input
                          aria-label={t('stats.desk.comment')}
                          placeholder={t('stats.desk.comment')}
                          value={comments[s.id] ?? ''}
                          onChange={(e) => setComments({ ...comments, [s.id]: e.target.value })}
                        />
                        <button className="btn btn-small btn-primary" onClick={() => void act(s.id, 'approve')} data-testid={`approve-${s.id}`}>
                          {t('stats.desk.approveBtn')}
                        </button>
                        {s.status === 'received' && (
                          <button className="btn btn-small" onClick={() => void act(s.id, 'request_correction')}>
                            {t('stats.desk.sendBack')}
                          </button>
                        )}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function PublishPanel({ onDone }: { onDone: () => void }) {
  const { t, locale } = useI18n();
  const [period, setPeriod] = useState(String(new Date().getFullYear() - 1));
  const [embargo, setEmbargo] = useState('');
  const [comment, setComment] = useState('');
  const [done, setDone] = useState<CalendarEntry | null>(null);
  const publish = useMutation(publishRelease);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const at = embargo ? new Date(embargo).toISOString() : null; // datetime-local is the analyst's local time
    const r = await publish.run(period, at, comment);
    if (r.ok) {
      setDone(r.value);
      onDone();
    }
  };
  return (
    <section className="section card" aria-labelledby="desk-publish">
      <h2 id="desk-publish">{t('stats.desk.publish')}</h2>
      <form className="form-grid" onSubmit={submit}>
        <label className="field">
          <span>{t('stats.desk.period')}</span>
          <input value={period} onChange={(e) => setPeriod(e.target.value)} pattern="\d{4}(-(0[1-9]|1[0-2]|H[12]))?" required data-testid="desk-period" />
        </label>
        <label className="field">
          <span>{t('stats.desk.embargo')}</span>
          <input type="datetime-local" value={embargo} onChange={(e) => setEmbargo(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('stats.desk.comment')}</span>
          <input value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
        </label>
        <button className="btn btn-primary" disabled={publish.pending} data-testid="desk-publish-btn">
          {t('stats.desk.publishBtn')}
        </button>
      </form>
      <FormError error={publish.error} />
      {done && (
        <Notice>
          {t('stats.desk.published', {
            period: done.period,
            version: done.version,
            when: done.published ? t('stats.desk.now') : formatDateTime(done.embargo_until, locale),
          })}
        </Notice>
      )}
    </section>
  );
}

function ReleaseCalendar({ version }: { version: number }) {
  const { t, locale } = useI18n();
  const [items, setItems] = useState<CalendarEntry[]>([]);
  useEffect(() => {
    getCalendar()
      .then((r) => setItems(r.items))
      .catch(() => setItems([]));
  }, [version]);
  if (!items.length) return null;
  return (
    <section className="section">
      <h2>{t('stats.desk.calendar')}</h2>
      <ul>
        {items.map((e) => (
          <li key={`${e.period}-${e.version}`}>
            {e.period} · {t('stats.version', { version: e.version })} · {formatDateTime(e.embargo_until, locale)}
            {e.comment && ` · ${e.comment}`}
          </li>
        ))}
      </ul>
    </section>
  );
}
