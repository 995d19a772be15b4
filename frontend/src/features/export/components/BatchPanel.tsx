import { useState, type FormEvent } from 'react';
import { Notice } from '../../../components/feedback';
import { FormError, TextField } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import { createBatch, importEvents, recordEvent, updateBatch, type Batch, type ImportResult, type Order, type ShippingEvent } from '../api/export';
import { JourneyTimeline } from './Timelines';

const EVENT_KINDS = ['booked', 'gated_in', 'loaded', 'departed', 'transhipped', 'arrived', 'discharged', 'released', 'delivered'];

/** datetime-local "2026-05-01T08:00" → ISO UTC; empty → null. The desk types times in UTC (ports work in UTC). */
export function localToIso(value: string): string | null {
  return value ? `${value.length === 16 ? `${value}:00` : value}Z` : null;
}

export function BatchesSection({ order, batches, onChange }: { order: Order; batches: Batch[]; onChange: () => void }) {
  const { t } = useI18n();
  return (
    <section className="section" aria-labelledby="export-batches">
      <h2 id="export-batches">{t('export.batches.title')}</h2>
      {batches.length === 0 && <p className="muted">{t('export.batches.none')}</p>}
      {batches.map((b) => (
        <BatchCard key={b.id} order={order} batch={b} onChange={onChange} />
      ))}
      <NewBatch order={order} onDone={onChange} />
    </section>
  );
}

function BatchCard({ order, batch, onChange }: { order: Order; batch: Batch; onChange: () => void }) {
  const { t } = useI18n();
  const [bl, setBl] = useState(batch.bill_of_lading ?? '');
  const [correcting, setCorrecting] = useState<ShippingEvent | null>(null);
  const save = useMutation(updateBatch);
  const vins = order.vehicles.filter((v) => batch.vehicle_ids.includes(v.id)).map((v) => v.vin);
  return (
    <article className="card export-batch" data-testid={`batch-${batch.reference}`}>
      <h3>
        {batch.reference} · <span className="mono">{batch.bill_of_lading ?? t('export.batch.noBl')}</span>
      </h3>
      <p className="small">
        {t('export.batch.vehicles')}: <span className="mono">{vins.join(', ')}</span>
        {batch.licence_no && ` · ${t('export.batch.licence')} ${batch.licence_no}`}
      </p>
      <form
        className="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          if ((await save.run(batch.id, { bill_of_lading: bl.trim() || null })).ok) onChange();
        }}
      >
        <input value={bl} onChange={(e) => setBl(e.target.value)} aria-label={t('export.batch.bl')} placeholder={t('export.batch.bl')} data-testid="batch-bl" />
        <button className="btn btn-secondary btn-small" disabled={save.pending}>
          {t('export.batch.saveBl')}
        </button>
      </form>
      <FormError error={save.error} />
      <h4>{t('export.timeline.journey')}</h4>
      <JourneyTimeline events={batch.events} eta={batch.eta} onCorrect={setCorrecting} />
      <EventForm batch={batch} correcting={correcting} onCancel={() => setCorrecting(null)} onDone={() => { setCorrecting(null); onChange(); }} />
      <EventImport batch={batch} onDone={onChange} />
    </article>
  );
}

function EventForm({ batch, correcting, onCancel, onDone }: { batch: Batch; correcting: ShippingEvent | null; onCancel: () => void; onDone: () => void }) {
  const { t, tDynamic } = useI18n();
  const blank = { kind: 'departed', place: '', planned: '', estimated: '', actual: '', note: '' };
  const [v, setV] = useState(blank);
  const [seenCorrecting, setSeenCorrecting] = useState<number | null>(null);
  // Correcting an event starts from what it said.
  if (correcting && correcting.id !== seenCorrecting) {
    setSeenCorrecting(correcting.id);
    setV({
      kind: correcting.kind,
      place: correcting.place ?? '',
      planned: correcting.planned_at?.slice(0, 16) ?? '',
      estimated: correcting.estimated_at?.slice(0, 16) ?? '',
      actual: correcting.actual_at?.slice(0, 16) ?? '',
      note: '',
    });
  }
  const send = useMutation(recordEvent);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await send.run(batch.id, {
      kind: v.kind,
      place: v.place.trim() || null,
      planned_at: localToIso(v.planned),
      estimated_at: localToIso(v.estimated),
      actual_at: localToIso(v.actual),
      corrects_id: correcting?.id ?? null,
      note: v.note.trim() || null,
    });
    if (r.ok) {
      setV(blank);
      setSeenCorrecting(null);
      onDone();
    }
  };
  return (
    <form className="form-grid export-event-form" onSubmit={submit} data-testid="event-form">
      {correcting && (
        <p className="alert alert-info">
          {t('export.event.correcting', { id: correcting.id })}{' '}
          <button type="button" className="btn btn-ghost btn-small" onClick={() => { setSeenCorrecting(null); setV(blank); onCancel(); }}>
            {t('export.event.cancel')}
          </button>
        </p>
      )}
      <label className="field">
        <span>{t('export.event.kind')}</span>
        <select value={v.kind} onChange={set('kind')} data-testid="event-kind">
          {EVENT_KINDS.map((k) => (
            <option key={k} value={k}>
              {tDynamic(`export.event.kind.${k}`, k)}
            </option>
          ))}
        </select>
      </label>
      <TextField label={t('export.event.place')} value={v.place} onChange={set('place')} data-testid="event-place" />
      <TextField label={`${t('export.event.planned')} (UTC)`} type="datetime-local" value={v.planned} onChange={set('planned')} data-testid="event-planned" />
      <TextField label={`${t('export.event.estimated')} (UTC)`} type="datetime-local" value={v.estimated} onChange={set('estimated')} data-testid="event-estimated" />
      <TextField label={`${t('export.event.actual')} (UTC)`} type="datetime-local" value={v.actual} onChange={set('actual')} data-testid="event-actual" />
      <TextField label={t('export.event.note')} value={v.note} onChange={set('note')} data-testid="event-note" />
      <button className="btn btn-primary" disabled={send.pending} data-testid="event-submit">
        {correcting ? t('export.event.correct') : t('export.event.record')}
      </button>
      <FormError error={send.error} />
    </form>
  );
}

function EventImport({ batch, onDone }: { batch: Batch; onDone: () => void }) {
  const { t, tDynamic } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const send = useMutation(importEvents);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    const r = await send.run(batch.id, file);
    if (r.ok) {
      setResult(r.value);
      if (r.value.imported) onDone();
    }
  };
  return (
    <details className="export-import">
      <summary>{t('export.import.title')}</summary>
      <p className="muted small">{t('export.import.hint')}</p>
      <form className="inline-form" onSubmit={submit}>
        <input type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="import-file" aria-label={t('export.import.title')} />
        <button className="btn btn-secondary btn-small" disabled={!file || send.pending} data-testid="import-submit">
          {t('export.import.submit')}
        </button>
      </form>
      <FormError error={send.error} />
      {result && (
        <div data-testid="import-result">
          {result.errors.length === 0 ? (
            <Notice>{t('export.import.done', { count: result.imported })}</Notice>
          ) : (
            <>
              <Notice tone="warning">{t('export.import.rejected', { count: result.errors.length })}</Notice>
              <div className="table-wrap">
                <table className="admin-table" data-testid="import-errors">
                  <thead>
                    <tr>
                      <th className="num">{t('export.import.line')}</th>
                      <th>{t('export.import.column')}</th>
                      <th>{t('export.import.reason')}</th>
                      <th>{t('export.import.value')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.errors.map((r, i) => (
                      <tr key={i}>
                        <td className="num">{r.line}</td>
                        <td>{r.column ?? ''}</td>
                        <td>{tDynamic(`error.${r.code}`, r.code)}</td>
                        <td className="mono">{r.value ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </div>
      )}
    </details>
  );
}

function NewBatch({ order, onDone }: { order: Order; onDone: () => void }) {
  const { t } = useI18n();
  const [v, setV] = useState({ reference: '', bl: '', licence: '', quantity: '' });
  const [ids, setIds] = useState<number[]>([]);
  const create = useMutation(createBatch);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await create.run(order.id, {
      reference: v.reference.trim(),
      bill_of_lading: v.bl.trim() || null,
      vehicle_ids: ids,
      licence_no: v.licence.trim() || null,
      licensed_quantity: v.quantity ? Number(v.quantity) : null,
    });
    if (r.ok) {
      setV({ reference: '', bl: '', licence: '', quantity: '' });
      setIds([]);
      onDone();
    }
  };
  return (
    <details className="card export-new-batch">
      <summary>{t('export.batches.new')}</summary>
      <form className="form-grid" onSubmit={submit} data-testid="new-batch">
        <TextField label={t('export.batch.reference')} value={v.reference} onChange={set('reference')} required data-testid="batch-reference" />
        <TextField label={t('export.batch.bl')} value={v.bl} onChange={set('bl')} data-testid="batch-new-bl" />
        <TextField label={t('export.batch.licence')} value={v.licence} onChange={set('licence')} />
        <TextField label={t('export.batch.quantity')} type="number" min={1} value={v.quantity} onChange={set('quantity')} />
        <fieldset className="field">
          <legend>{t('export.batch.vehicles')}</legend>
          {order.vehicles.map((veh) => (
            <label key={veh.id} className="checkbox">
              <input
                type="checkbox"
                checked={ids.includes(veh.id)}
                onChange={(e) => setIds(e.target.checked ? [...ids, veh.id] : ids.filter((i) => i !== veh.id))}
                data-testid={`batch-pick-${veh.vin}`}
              />
              <span className="mono">{veh.vin}</span>
            </label>
          ))}
        </fieldset>
        <button className="btn btn-primary" disabled={create.pending || !ids.length} data-testid="batch-create">
          {t('export.batch.create')}
        </button>
      </form>
      <FormError error={create.error} />
    </details>
  );
}
