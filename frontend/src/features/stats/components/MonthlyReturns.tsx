import { useEffect, useState, type FormEvent } from 'react';
import { Empty, LoadError, Notice } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDateTime } from '../../../lib/format';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { getReturns, PRICE_BANDS, submitReturn, type MonthlyReturn, type ReturnFigures } from '../api/stats';
import { money } from '../lib/figures';
import { yuanToFen } from '../lib/returns';

type Counts = Omit<ReturnFigures, 'month' | 'units_by_band' | 'turnover_fen' | 'bev_turnover_fen'>;
const COUNTS: (keyof Counts)[] = [
  'sessions_online',
  'sessions_onsite',
  'units',
  'bev_units',
  'transfer_in_province',
  'transfer_cross_province',
];

function previousMonth(): string {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** The monthly return (月报) form: a house's admin submits their own; an analyst names the reporting house. */
export function ReturnForm({ asAnalyst, onDone }: { asAnalyst: boolean; onDone: () => void }) {
  const { t } = useI18n();
  const [houseId, setHouseId] = useState('');
  const [month, setMonth] = useState(previousMonth());
  const [counts, setCounts] = useState<Record<string, string>>({});
  const [turnover, setTurnover] = useState('');
  const [bevTurnover, setBevTurnover] = useState('');
  const [bands, setBands] = useState<Record<string, string>>({});
  const [done, setDone] = useState<MonthlyReturn | null>(null);
  const [local, setLocal] = useState<string | null>(null);
  const send = useMutation(submitReturn);
  const int = (v: string | undefined) => (v && /^\d+$/.test(v.trim()) ? Number(v.trim()) : v?.trim() ? NaN : 0);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setLocal(null);
    const fen = yuanToFen(turnover || '0');
    const bevFen = yuanToFen(bevTurnover || '0');
    const figures: ReturnFigures = {
      month,
      sessions_online: int(counts.sessions_online),
      sessions_onsite: int(counts.sessions_onsite),
      units: int(counts.units),
      turnover_fen: fen ?? NaN,
      bev_units: int(counts.bev_units),
      bev_turnover_fen: bevFen ?? NaN,
      transfer_in_province: int(counts.transfer_in_province),
      transfer_cross_province: int(counts.transfer_cross_province),
      units_by_band: Object.fromEntries(PRICE_BANDS.map((b) => [b, int(bands[b])])),
    };
    const values = [...Object.values(figures).filter((v) => typeof v === 'number'), ...Object.values(figures.units_by_band)];
    if (values.some((v) => Number.isNaN(v))) {
      setLocal(t('stats.return.wholeNumbers'));
      return;
    }
    const r = await send.run(figures, asAnalyst ? Number(houseId) : undefined);
    if (r.ok) {
      setDone(r.value);
      onDone();
    }
  };
  const bandSum = PRICE_BANDS.reduce((s, b) => s + (Number(bands[b]) || 0), 0);
  return (
    <section className="section card" aria-labelledby="desk-return">
      <h2 id="desk-return">{t('stats.return.title')}</h2>
      <p className="muted small">{t('stats.return.lead')}</p>
      <form className="form-grid" onSubmit={submit} data-testid="return-form">
        {asAnalyst && (
          <label className="field">
            <span>{t('stats.return.house')}</span>
            <input inputMode="numeric" value={houseId} onChange={(e) => setHouseId(e.target.value)} required pattern="\d+" />
          </label>
        )}
        <label className="field">
          <span>{t('stats.return.month')}</span>
          <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} required data-testid="return-month" />
        </label>
        {COUNTS.map((k) => (
          <label className="field" key={k}>
            <span>{t(`stats.return.${k}` as MessageKey)}</span>
            <input
              inputMode="numeric"
              value={counts[k] ?? ''}
              onChange={(e) => setCounts({ ...counts, [k]: e.target.value })}
              placeholder="0"
              data-testid={`return-${k}`}
            />
          </label>
        ))}
        <label className="field">
          <span>{t('stats.return.turnover')}</span>
          <input inputMode="decimal" value={turnover} onChange={(e) => setTurnover(e.target.value)} placeholder="0.00" data-testid="return-turnover" />
        </label>
        <label className="field">
          <span>{t('stats.return.bevTurnover')}</span>
          <input inputMode="decimal" value={bevTurnover} onChange={(e) => setBevTurnover(e.target.value)} placeholder="0.00" />
        </label>
        <fieldset className="field">
          <legend>{t('stats.return.bands', { sum: bandSum })}</legend>
          {PRICE_BANDS.map((b) => (
            <label key={b} className="field">
              <span>{b}</span>
              <input inputMode="numeric" value={bands[b] ?? ''} onChange={(e) => setBands({ ...bands, [b]: e.target.value })} placeholder="0" />
            </label>
          ))}
        </fieldset>
        <button className="btn btn-primary" disabled={send.pending} data-testid="return-submit">
          {t('stats.return.submit')}
        </button>
      </form>
      {local && <Notice tone="warning">{local}</Notice>}
      <FormError error={send.error} />
      {done && (
        <Notice>{t(done.changed ? 'stats.return.received' : 'stats.return.unchanged', { month: done.month, id: done.submission_id })}</Notice>
      )}
    </section>
  );
}

/** The returns the caller may see: every house's for analysts, their own house's for a house's admin. */
export function ReturnList({ version, onOpen }: { version: number; onOpen: (houseId: number, month: string) => void }) {
  const { t, locale } = useI18n();
  const [items, setItems] = useState<MonthlyReturn[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    getReturns()
      .then((r) => setItems(r.items))
      .catch(setError);
  }, [version]);
  if (error) return <LoadError error={error} />;
  if (items === null) return null;
  return (
    <section className="section" aria-labelledby="desk-returns">
      <h2 id="desk-returns">{t('stats.return.list')}</h2>
      {items.length === 0 ? (
        <Empty>{t('stats.return.none')}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="admin-table" data-testid="returns">
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td>{r.house}</td>
                  <td>{r.month}</td>
                  <td className="num">{t('stats.return.unitsShort', { units: r.units })}</td>
                  <td className="num">{money(r.turnover_fen, locale)}</td>
                  <td>
                    <span className="badge">{t(`stats.desk.status.${r.status}` as MessageKey)}</span>
                    {r.comment && <span className="muted small"> {r.comment}</span>}
                  </td>
                  <td>{formatDateTime(r.updated_at, locale)}</td>
                  <td>
                    <button className="btn btn-small" onClick={() => onOpen(r.house_id, r.month)}>
                      {t('stats.month.open')}
                    </button>
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
