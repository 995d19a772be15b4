import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Notice } from '../../../components/feedback';
import { FormError, TextField } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import {
  createBatch,
  importEvents,
  listEvents,
  recordBatchStep,
  recordBillOfLading,
  recordClearance,
  recordDeclaration,
  recordEvent,
  recordLicence,
  type Batch,
  type Eta,
  type ImportReport,
  type Order,
  type ShippingEvent,
  type Vehicle,
} from '../api/export';
import { hsOverrides, localToIso, nextStep, stepIndex } from '../lib/desk';
import { RefusalVehicles, RefusalViolations } from './common';
import { JourneyTimeline } from './Timelines';

const EVENT_TYPES = ['received', 'gate_in', 'loaded', 'departed', 'arrived', 'discharged', 'gate_out', 'delivered'];
const CLASSIFIERS = ['PLN', 'EST', 'ACT'] as const;

export function BatchesSection({ order, batches, onChange }: { order: Order; batches: Batch[]; onChange: () => void }) {
  const { t } = useI18n();
  const mine = batches.filter((b) => b.vehicle_ids.some((id) => order.vehicles.some((v) => v.id === id)));
  const free = order.vehicles.filter((v) => v.batch_id === null);
  return (
    <section className="section" aria-labelledby="export-batches">
      <h2 id="export-batches">{t('export.batches.title')}</h2>
      {mine.length === 0 && <p className="muted">{t('export.batches.none')}</p>}
      {mine.map((b) => (
        <BatchCard key={b.id} order={order} batch={b} onChange={onChange} />
      ))}
      {free.length > 0 && <NewBatch org={order.exporter_org_id} vehicles={free} onDone={onChange} />}
      <EventImport org={order.exporter_org_id} onDone={onChange} />
    </section>
  );
}

/** The step the batch's cars take together next: the least advanced car decides. */
function batchNext(vehicles: Vehicle[]): string | null {
  if (vehicles.length === 0) return null;
  const least = vehicles.reduce((a, b) => (stepIndex(b.step) < stepIndex(a.step) ? b : a));
  return nextStep(least.step);
}

function BatchCard({ order, batch, onChange }: { order: Order; batch: Batch; onChange: () => void }) {
  const { t, tDynamic } = useI18n();
  const [events, setEvents] = useState<{ items: ShippingEvent[]; eta: Eta | null }>({ items: [], eta: batch.eta });
  const [correcting, setCorrecting] = useState<ShippingEvent | null>(null);
  const vehicles = order.vehicles.filter((v) => batch.vehicle_ids.includes(v.id));
  const loadEvents = useCallback(() => {
    listEvents(batch.id).then(setEvents).catch(() => undefined);
  }, [batch.id]);
  useEffect(loadEvents, [loadEvents]);
  const next = batchNext(vehicles);
  const refresh = () => {
    loadEvents();
    onChange();
  };
  return (
    <article className="card export-batch" data-testid={`batch-${batch.reference}`}>
      <h3>
        {batch.reference} · {tDynamic(`export.batch.mode.${batch.mode}`, batch.mode)}
      </h3>
      <dl className="kv export-kv">
        <dt>{t('export.batch.vehicles')}</dt>
        <dd className="mono">{vehicles.map((v) => v.vin).join(', ')}</dd>
        <dt>{t('export.batch.plannedDeparture')}</dt>
        <dd>{batch.planned_departure}</dd>
        <dt>{t('export.batch.licence')}</dt>
        <dd data-testid="batch-licence">
          {batch.licence_no ? `${batch.licence_no} · ${t('export.batch.licenceValid', { from: batch.licence_issued ?? '', to: batch.licence_expires ?? '' })}` : '—'}
        </dd>
        <dt>{t('export.batch.declaration')}</dt>
        <dd>{batch.declaration_no ? `${batch.declaration_no} · ${batch.declared_on ?? ''}` : '—'}</dd>
        <dt>{t('export.batch.cleared')}</dt>
        <dd>{batch.cleared_on ?? '—'}</dd>
        <dt>{t('export.batch.bl')}</dt>
        <dd className="mono" data-testid="batch-bl">
          {batch.bill_of_lading ? `${batch.bill_of_lading.number}${batch.bill_of_lading.vessel ? ` · ${batch.bill_of_lading.vessel}` : ''}` : t('export.batch.noBl')}
        </dd>
      </dl>
      {next === 'licensed' && <LicenceForm batch={batch} vehicles={vehicles} onDone={refresh} />}
      {next === 'declared' && <DeclarationForm batch={batch} vehicles={vehicles} onDone={refresh} />}
      {next !== null && ['loaded', 'departed', 'arrived', 'delivered'].includes(next) && <BatchStepForm batch={batch} step={next} onDone={refresh} />}
      {batch.declared_on && !batch.cleared_on && <ClearanceForm batch={batch} onDone={refresh} />}
      <BillOfLadingForm order={order} batch={batch} onDone={refresh} />
      <h4>{t('export.timeline.journey')}</h4>
      <JourneyTimeline events={events.items} eta={events.eta} onCorrect={setCorrecting} />
      <EventForm
        key={correcting?.id ?? 'new'}
        batch={batch}
        correcting={correcting}
        onCancel={() => setCorrecting(null)}
        onDone={() => {
          setCorrecting(null);
          refresh();
        }}
      />
    </article>
  );
}

/** A small form with one submit button and the refusal under it. */
function ActionForm({ testId, label, pending, error, onSubmit, children }: {
  testId: string; label: string; pending: boolean; error: unknown; onSubmit: () => void; children: ReactNode;
}) {
  return (
    <form
      className="export-step-form"
      data-testid={testId}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
      <button className="btn btn-primary" disabled={pending} data-testid={`${testId}-submit`}>
        {label}
      </button>
      <div data-testid={`${testId}-error`}>
        <FormError error={error} />
        <RefusalVehicles error={error} />
        <RefusalViolations error={error} />
      </div>
    </form>
  );
}

function LicenceForm({ batch, vehicles, onDone }: { batch: Batch; vehicles: Vehicle[]; onDone: () => void }) {
  const { t, tDynamic } = useI18n();
  const [no, setNo] = useState('');
  const [issued, setIssued] = useState('');
  const send = useMutation(recordLicence);
  return (
    <ActionForm
      testId="licence-form"
      label={t('export.step.record', { step: tDynamic('export.step.licensed', 'licensed') })}
      pending={send.pending}
      error={send.error}
      onSubmit={async () => {
        // The application states what the registration certificate says (the gate compares them).
        const r = await send.run(batch.id, {
          licence_no: no.trim(),
          issued_on: issued,
          quantity: vehicles.length,
          vehicles: vehicles.map((v) => ({
            order_vehicle_id: v.id,
            make: v.registration?.make ?? v.make,
            model: v.registration?.model ?? v.model,
            first_registration: v.registration?.first_registration ?? '',
            pending_export_on: v.registration?.pending_export_on ?? '',
          })),
        });
        if (r.ok) onDone();
      }}
    >
      <p className="muted small">{t('export.licence.hint', { count: vehicles.length })}</p>
      <TextField label={t('export.batch.licence')} value={no} onChange={(e) => setNo(e.target.value)} required data-testid="licence-no" />
      <TextField label={t('export.fact.licence_issued')} type="date" value={issued} onChange={(e) => setIssued(e.target.value)} required data-testid="licence-issued" />
    </ActionForm>
  );
}

function DeclarationForm({ batch, vehicles, onDone }: { batch: Batch; vehicles: Vehicle[]; onDone: () => void }) {
  const { t, tDynamic } = useI18n();
  const [no, setNo] = useState('');
  const [on, setOn] = useState('');
  const [hs, setHs] = useState<Record<number, { code?: string; reason?: string }>>({});
  const [missing, setMissing] = useState<string[]>([]);
  const send = useMutation(recordDeclaration);
  const setHsField = (id: number, k: 'code' | 'reason', value: string) => setHs({ ...hs, [id]: { ...hs[id], [k]: value } });
  return (
    <ActionForm
      testId="declaration-form"
      label={t('export.step.record', { step: tDynamic('export.step.declared', 'declared') })}
      pending={send.pending}
      error={send.error}
      onSubmit={async () => {
        const { overrides, missing: without } = hsOverrides(vehicles, hs);
        setMissing(without);
        if (without.length) return;
        const body = { declaration_no: no.trim(), declared_on: on, vins: vehicles.map((v) => v.vin), hs_overrides: overrides };
        if ((await send.run(batch.id, body)).ok) onDone();
      }}
    >
      <TextField label={t('export.fact.declaration_no')} value={no} onChange={(e) => setNo(e.target.value)} required data-testid="declaration-no" />
      <TextField label={t('export.batch.declaredOn')} type="date" value={on} onChange={(e) => setOn(e.target.value)} required data-testid="declaration-on" />
      <details className="export-hs-overrides">
        <summary>{t('export.hs.override')}</summary>
        {vehicles.map((v) => (
          <fieldset key={v.id} className="export-step-form" data-testid={`hs-override-${v.vin}`}>
            <legend className="small">
              <span className="mono">{v.vin}</span> · {t('export.hs.derived', { code: v.hs_code || '—' })}
            </legend>
            <TextField label={t('export.vehicle.hs')} value={hs[v.id]?.code ?? ''} onChange={(e) => setHsField(v.id, 'code', e.target.value)} maxLength={7} data-testid={`hs-override-${v.vin}-code`} />
            <TextField label={t('export.hs.reason')} value={hs[v.id]?.reason ?? ''} onChange={(e) => setHsField(v.id, 'reason', e.target.value)} maxLength={500} data-testid={`hs-override-${v.vin}-reason`} />
          </fieldset>
        ))}
      </details>
      {missing.length > 0 && <p className="field-error">{t('export.hs.reasonNeeded', { vins: missing.join(', ') })}</p>}
    </ActionForm>
  );
}

function ClearanceForm({ batch, onDone }: { batch: Batch; onDone: () => void }) {
  const { t } = useI18n();
  const [on, setOn] = useState('');
  const send = useMutation(recordClearance);
  return (
    <ActionForm
      testId="clearance-form"
      label={t('export.batch.recordClearance')}
      pending={send.pending}
      error={send.error}
      onSubmit={async () => {
        if ((await send.run(batch.id, { cleared_on: on })).ok) onDone();
      }}
    >
      <TextField label={t('export.fact.cleared_on')} type="date" value={on} onChange={(e) => setOn(e.target.value)} required data-testid="clearance-on" />
    </ActionForm>
  );
}

function BatchStepForm({ batch, step, onDone }: { batch: Batch; step: string; onDone: () => void }) {
  const { t, tDynamic } = useI18n();
  const [on, setOn] = useState('');
  const send = useMutation(recordBatchStep);
  return (
    <ActionForm
      testId={`batch-step-${step}`}
      label={t('export.step.record', { step: tDynamic(`export.step.${step}`, step) })}
      pending={send.pending}
      error={send.error}
      onSubmit={async () => {
        if ((await send.run(batch.id, { step, on: on || null })).ok) onDone();
      }}
    >
      <TextField label={t('export.batch.stepOn')} type="date" value={on} onChange={(e) => setOn(e.target.value)} data-testid={`batch-step-${step}-on`} />
    </ActionForm>
  );
}

function BillOfLadingForm({ order, batch, onDone }: { order: Order; batch: Batch; onDone: () => void }) {
  const { t } = useI18n();
  const bl = batch.bill_of_lading;
  const [v, setV] = useState({
    number: bl?.number ?? '', vessel: bl?.vessel ?? '', voyage: bl?.voyage ?? '', pol: bl?.port_of_loading ?? '',
    pod: bl?.port_of_discharge ?? '', issued_on: '', shipper: '', consignee: order.consignee.name ?? '',
  }); // prettier-ignore
  const send = useMutation(recordBillOfLading);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  return (
    <details className="export-bl">
      <summary>{t('export.batch.saveBl')}</summary>
      <ActionForm
        testId="bl-form"
        label={t('export.batch.saveBl')}
        pending={send.pending}
        error={send.error}
        onSubmit={async () => {
          const r = await send.run(batch.id, {
            number: v.number.trim(), shipper: v.shipper.trim(), consignee: v.consignee.trim(), vessel: v.vessel.trim(),
            voyage: v.voyage.trim(), port_of_loading: v.pol.trim().toUpperCase(), port_of_discharge: v.pod.trim().toUpperCase(),
            issued_on: v.issued_on,
          }); // prettier-ignore
          if (r.ok) onDone();
        }}
      >
        <TextField label={t('export.batch.bl')} value={v.number} onChange={set('number')} required data-testid="bl-number" />
        <TextField label={t('export.bl.shipper')} value={v.shipper} onChange={set('shipper')} required data-testid="bl-shipper" />
        <TextField label={t('export.orders.consignee')} value={v.consignee} onChange={set('consignee')} required />
        <TextField label={t('export.bl.vessel')} value={v.vessel} onChange={set('vessel')} />
        <TextField label={t('export.bl.voyage')} value={v.voyage} onChange={set('voyage')} />
        <TextField label={t('export.bl.pol')} value={v.pol} onChange={set('pol')} required maxLength={5} data-testid="bl-pol" />
        <TextField label={t('export.bl.pod')} value={v.pod} onChange={set('pod')} required maxLength={5} data-testid="bl-pod" />
        <TextField label={t('export.bl.issuedOn')} type="date" value={v.issued_on} onChange={set('issued_on')} required data-testid="bl-issued" />
      </ActionForm>
    </details>
  );
}

const OFFSETS = ['+08:00', '+00:00', '+03:00', '+04:00', '+05:00', '+06:00', '+09:00'];
const ZONES: Record<string, string> = {
  '+08:00': 'Asia/Shanghai', '+00:00': 'UTC', '+03:00': 'Europe/Moscow', '+04:00': 'Asia/Dubai',
  '+05:00': 'Asia/Tashkent', '+06:00': 'Asia/Almaty', '+09:00': 'Asia/Tokyo',
}; // prettier-ignore

function EventForm({ batch, correcting, onCancel, onDone }: { batch: Batch; correcting: ShippingEvent | null; onCancel: () => void; onDone: () => void }) {
  const { t, tDynamic } = useI18n();
  // Correcting an event starts from what it said (its local time in its own zone).
  const [v, setV] = useState({
    event_type: correcting?.event_type ?? 'departed',
    classifier: correcting?.classifier ?? 'ACT',
    time: correcting?.local_time?.slice(0, 16) ?? '',
    offset: correcting?.local_time?.slice(19) || '+08:00',
    location_code: correcting?.location_code ?? '',
    location_name: correcting?.location_name ?? '',
    note: '',
  });
  const send = useMutation(recordEvent);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await send.run(batch.id, {
      event_type: v.event_type,
      classifier: v.classifier as ShippingEvent['classifier'],
      event_time: localToIso(v.time, v.offset) ?? '',
      time_zone: (correcting && correcting.local_time.slice(19) === v.offset ? correcting.time_zone : ZONES[v.offset]) ?? 'UTC',
      location_code: v.location_code.trim().toUpperCase(),
      location_name: v.location_name.trim(),
      retracts_event_id: correcting?.id ?? null,
      note: v.note.trim(),
    });
    if (r.ok) onDone();
  };
  return (
    <form className="form-grid export-event-form" onSubmit={submit} data-testid="event-form">
      {correcting && (
        <div className="alert alert-info" data-testid="event-correcting">
          {t('export.event.correcting', { id: correcting.id })}{' '}
          <button type="button" className="btn btn-ghost btn-small" onClick={onCancel}>
            {t('export.event.cancel')}
          </button>
        </div>
      )}
      <label className="field">
        <span>{t('export.event.kind')}</span>
        <select value={v.event_type} onChange={set('event_type')} data-testid="event-type">
          {EVENT_TYPES.map((k) => (
            <option key={k} value={k}>
              {tDynamic(`export.event.kind.${k}`, k)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('export.event.classifier')}</span>
        <select value={v.classifier} onChange={set('classifier')} data-testid="event-classifier">
          {CLASSIFIERS.map((c) => (
            <option key={c} value={c}>
              {tDynamic(`export.classifier.${c}`, c)}
            </option>
          ))}
        </select>
      </label>
      <TextField label={t('export.event.time')} type="datetime-local" value={v.time} onChange={set('time')} required data-testid="event-time" />
      <label className="field">
        <span>{t('export.event.offset')}</span>
        <select value={v.offset} onChange={set('offset')} data-testid="event-offset">
          {OFFSETS.map((o) => (
            <option key={o} value={o}>
              UTC{o} {ZONES[o]}
            </option>
          ))}
        </select>
      </label>
      <TextField label={t('export.event.locode')} value={v.location_code} onChange={set('location_code')} maxLength={5} data-testid="event-locode" />
      <TextField label={t('export.event.place')} value={v.location_name} onChange={set('location_name')} data-testid="event-place" />
      <TextField label={t('export.event.note')} value={v.note} onChange={set('note')} data-testid="event-note" />
      <button className="btn btn-primary" disabled={send.pending} data-testid="event-submit">
        {correcting ? t('export.event.correct') : t('export.event.record')}
      </button>
      <FormError error={send.error} />
    </form>
  );
}

function EventImport({ org, onDone }: { org: number; onDone: () => void }) {
  const { t, tDynamic } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportReport | null>(null);
  const send = useMutation(importEvents);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    const r = await send.run(org, file);
    if (r.ok) {
      setResult(r.value);
      if (r.value.imported) onDone();
    }
  };
  return (
    <details className="card export-import" data-testid="event-import">
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
            <Notice>{t('export.import.done', { count: result.imported, unchanged: result.unchanged })}</Notice>
          ) : (
            <>
              <Notice tone="warning">{t('export.import.rejected', { count: result.errors.length, imported: result.imported })}</Notice>
              <div className="table-wrap">
                <table className="admin-table" data-testid="import-errors">
                  <thead>
                    <tr>
                      <th className="num">{t('export.import.line')}</th>
                      <th>{t('export.import.column')}</th>
                      <th>{t('export.import.reason')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.errors.map((r, i) => (
                      <tr key={i}>
                        <td className="num">{r.line}</td>
                        <td className="mono">{r.column}</td>
                        <td>{tDynamic(`error.${r.code}`, r.message)}</td>
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

function NewBatch({ org, vehicles, onDone }: { org: number; vehicles: Vehicle[]; onDone: () => void }) {
  const { t, tDynamic } = useI18n();
  const [v, setV] = useState({ reference: '', mode: 'ro_ro', planned_departure: '' });
  const [ids, setIds] = useState<number[]>(vehicles.map((x) => x.id));
  const create = useMutation(createBatch);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await create.run(org, { reference: v.reference.trim(), mode: v.mode, planned_departure: v.planned_departure, order_vehicle_ids: ids });
    if (r.ok) onDone();
  };
  return (
    <details className="card export-new-batch">
      <summary>{t('export.batches.new')}</summary>
      <form className="form-grid" onSubmit={submit} data-testid="new-batch">
        <TextField label={t('export.batch.reference')} value={v.reference} onChange={set('reference')} required data-testid="batch-reference" />
        <label className="field">
          <span>{t('export.batch.mode')}</span>
          <select value={v.mode} onChange={set('mode')}>
            {['ro_ro', 'container', 'rail'].map((m) => (
              <option key={m} value={m}>
                {tDynamic(`export.batch.mode.${m}`, m)}
              </option>
            ))}
          </select>
        </label>
        <TextField label={t('export.batch.plannedDeparture')} type="date" value={v.planned_departure} onChange={set('planned_departure')} required data-testid="batch-departure" />
        <fieldset className="field">
          <legend>{t('export.batch.vehicles')}</legend>
          {vehicles.map((veh) => (
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
      <RefusalViolations error={create.error} />
    </details>
  );
}
