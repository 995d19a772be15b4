import { useState, type FormEvent } from 'react';
import { Notice } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDate } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { getVehicle, recordPlate, recordRegistration, recordStep, uploadDocument, type ExportDocument, type Order, type Vehicle } from '../api/export';
import { DOCUMENT_KINDS, isBatchStep, missingFacts, nextStep, STEP_DOCUMENT, STEP_FACTS, stepBody, toneOf, violationsOf } from '../lib/desk';
import { DeadlineLine, OrderMoney, StepBadge, Violations } from './common';
import { PackingForm } from './Packing';

/** One car of the order: its state, its nearest clock (red or amber with what to do), its next step and papers. */
export function VehicleCard({ order, vehicle, onChange }: { order: Order; vehicle: Vehicle; onChange: () => void }) {
  const { t, tDynamic } = useI18n();
  const tone = toneOf(vehicle.colour);
  const step = nextStep(vehicle.step);
  return (
    <article
      className={`card export-vehicle${tone ? ` export-${tone}` : ''}`}
      data-testid={`vehicle-${vehicle.vin}`}
      data-tone={tone ?? 'none'}
      aria-labelledby={`vehicle-${vehicle.id}-title`}
    >
      <header className="export-vehicle-head">
        <h3 id={`vehicle-${vehicle.id}-title`}>
          {vehicle.make} {vehicle.model}
        </h3>
        <StepBadge step={vehicle.step} testId={`vehicle-${vehicle.vin}-step`} />
      </header>
      <dl className="kv export-kv">
        <dt>{t('export.vehicle.vin')}</dt>
        <dd className="mono">{vehicle.vin}</dd>
        {vehicle.registration && (
          <>
            <dt>{t('export.vehicle.firstRegistration')}</dt>
            <dd>{formatDate(vehicle.registration.first_registration)}</dd>
          </>
        )}
        <dt>{t('export.vehicle.steering')}</dt>
        <dd>{tDynamic(`export.vehicle.steering.${vehicle.steering}`, vehicle.steering)}</dd>
        {vehicle.plate && (
          <>
            <dt>{t('export.vehicle.plate')}</dt>
            <dd>
              {vehicle.plate.plate_no} {vehicle.plate.expires && t('export.vehicle.plateExpires', { date: vehicle.plate.expires })}
            </dd>
          </>
        )}
        {vehicle.hs_code && (
          <>
            <dt>{t('export.vehicle.hs')}</dt>
            <dd className="mono">{vehicle.hs_code}</dd>
          </>
        )}
        <dt>{t('export.orders.total')}</dt>
        <dd>
          <OrderMoney minor={vehicle.price_minor} currency={order.currency} rate={order.fx_rate} cnyFen={vehicle.price_cny_fen} />
        </dd>
      </dl>
      <DeadlineLine deadline={vehicle.deadline} tone={tone} todo={vehicle.todo} testId={`vehicle-${vehicle.vin}-deadline`} />
      <Violations items={violationsOf(vehicle.destination_block)} testId={`vehicle-${vehicle.vin}-block`} />
      {(vehicle.registration === null || vehicle.step === 'bought') && <RegistrationForm vehicle={vehicle} onDone={onChange} />}
      {vehicle.plate && PLATE_RENEWABLE_AT.includes(vehicle.step) && <PlateForm key={vehicle.plate.issued} vehicle={vehicle} onDone={onChange} />}
      {step === null ? (
        <p className="muted">{t('export.step.done')}</p>
      ) : isBatchStep(step) ? (
        <p className="muted small">{t('export.step.byBatch', { step: tDynamic(`export.step.${step}`, step) })}</p>
      ) : (
        <StepForm key={`${vehicle.step}-${step}`} vehicle={vehicle} step={step} onDone={onChange} />
      )}
      {vehicle.step === 'deregistered' && <StepForm key="vat-na" vehicle={vehicle} step="vat_not_applicable" onDone={onChange} />}
      <PackingForm key={vehicle.packing?.recorded_at ?? 'none'} vehicle={vehicle} onDone={onChange} />
      <Documents vehicle={vehicle} onDone={onChange} />
    </article>
  );
}

// The steps at which the car is still driven at home on its temporary plate (the API's RENEWABLE_AT).
const PLATE_RENEWABLE_AT = ['transfer_registered', 'inspected', 'licensed', 'declared', 'loaded'];

/** A new temporary plate (临时号牌): open by itself when the plate's clock is red or amber. */
function PlateForm({ vehicle, onDone }: { vehicle: Vehicle; onDone: () => void }) {
  const { t } = useI18n();
  const [v, setV] = useState({ plate_no: '', issued: '', insurance_ends: '' });
  const send = useMutation(recordPlate);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const plateClock = vehicle.deadlines.find((d) => d.what === 'plate');
  const urgent = vehicle.todo === 'renew_temporary_plate' || (plateClock !== undefined && plateClock.state !== 'ok');
  const prefix = `plate-${vehicle.vin}`;
  return (
    <details className="export-registration" open={urgent} data-testid={prefix}>
      <summary>{t('export.plate.title')}</summary>
      <form
        className="export-step-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await send.run(vehicle.id, { plate_no: v.plate_no.trim(), issued: v.issued, insurance_ends: v.insurance_ends });
          if (r.ok) onDone();
        }}
      >
        <p className="muted small">{t('export.plate.rule')}</p>
        <label className="field">
          <span>{t('export.plate.number')}</span>
          <input value={v.plate_no} onChange={set('plate_no')} required maxLength={12} data-testid={`${prefix}-no`} />
        </label>
        <label className="field">
          <span>{t('export.plate.issued')}</span>
          <input type="date" value={v.issued} onChange={set('issued')} required data-testid={`${prefix}-issued`} />
        </label>
        <label className="field">
          <span>{t('export.plate.insuranceEnds')}</span>
          <input type="date" value={v.insurance_ends} onChange={set('insurance_ends')} required data-testid={`${prefix}-insurance`} />
        </label>
        <button className="btn btn-secondary btn-small" disabled={send.pending} data-testid={`${prefix}-submit`}>
          {t('export.plate.save')}
        </button>
        <div data-testid={`${prefix}-error`}>
          <FormError error={send.error} />
        </div>
      </form>
    </details>
  );
}

/** The registration certificate (登记证书) as recorded: the licence application is compared with it. */
function RegistrationForm({ vehicle, onDone }: { vehicle: Vehicle; onDone: () => void }) {
  const { t } = useI18n();
  const reg = vehicle.registration;
  const [v, setV] = useState({
    make: reg?.make ?? vehicle.make,
    model: reg?.model ?? vehicle.model,
    first_registration: reg?.first_registration ?? '',
    pending_export_on: reg?.pending_export_on ?? '',
  });
  const send = useMutation(recordRegistration);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const prefix = `registration-${vehicle.vin}`;
  return (
    <details className="export-registration" open={reg === null}>
      <summary>{t('export.registration.title')}</summary>
      <form
        className="export-step-form"
        data-testid={prefix}
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await send.run(vehicle.id, {
            make: v.make.trim(),
            model: v.model.trim(),
            first_registration: v.first_registration,
            pending_export_on: v.pending_export_on || null,
          });
          if (r.ok) onDone();
        }}
      >
        <label className="field">
          <span>{t('export.vehicle.make')}</span>
          <input value={v.make} onChange={set('make')} required />
        </label>
        <label className="field">
          <span>{t('export.vehicle.model')}</span>
          <input value={v.model} onChange={set('model')} required />
        </label>
        <label className="field">
          <span>{t('export.vehicle.firstRegistration')}</span>
          <input type="date" value={v.first_registration} onChange={set('first_registration')} required data-testid={`${prefix}-first`} />
        </label>
        <button className="btn btn-secondary btn-small" disabled={send.pending} data-testid={`${prefix}-submit`}>
          {t('export.registration.save')}
        </button>
        <FormError error={send.error} />
      </form>
    </details>
  );
}

function StepForm({ vehicle, step, onDone }: { vehicle: Vehicle; step: string; onDone: () => void }) {
  const { t, tDynamic } = useI18n();
  const [values, setValues] = useState<Record<string, string>>({});
  const [file, setFile] = useState<File | null>(null);
  const [missing, setMissing] = useState<string[]>([]);
  const docKind = STEP_DOCUMENT[step];
  const send = useMutation(async () => {
    // The paper goes first: the gate reads the documents on file.
    const body = stepBody(step, values);
    if (file && docKind) await uploadDocument({ vehicle: vehicle.id }, docKind, file);
    return recordStep(vehicle.id, body);
  });
  const stepName = tDynamic(`export.step.${step}`, step);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const m = missingFacts(step, values);
    setMissing(m);
    if (m.length) return;
    try {
      stepBody(step, values);
    } catch {
      setMissing(['invoice_net', 'invoice_tax', 'refund_rate_pct']);
      return;
    }
    if ((await send.run()).ok) onDone();
  };
  const prefix = `step-${vehicle.vin}-${step}`;
  return (
    <form className="export-step-form" onSubmit={submit} data-testid={prefix}>
      {(STEP_FACTS[step] ?? []).map((f) => (
        <label key={f.name} className="field">
          <span>{tDynamic(`export.fact.${f.name}`, f.name)}</span>
          {f.kind === 'select' ? (
            <select value={values[f.name] ?? ''} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })} data-testid={`${prefix}-${f.name}`}>
              <option value="">—</option>
              {(f.options ?? []).map((o) => (
                <option key={o} value={o}>
                  {tDynamic(`export.option.${o}`, o)}
                </option>
              ))}
            </select>
          ) : (
            <input
              type={f.kind === 'date' ? 'date' : 'text'}
              value={values[f.name] ?? ''}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
              data-testid={`${prefix}-${f.name}`}
            />
          )}
        </label>
      ))}
      {docKind && (
        <label className="field">
          <span>
            {t('export.step.document')}: {tDynamic(`export.doc.${docKind}`, docKind)}
          </span>
          <input type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid={`${prefix}-file`} />
        </label>
      )}
      <button className="btn btn-primary" disabled={send.pending} data-testid={`${prefix}-submit`}>
        {t('export.step.record', { step: stepName })}
      </button>
      {missing.length > 0 && (
        <p className="field-error">{t('export.step.missing', { fields: missing.map((m) => tDynamic(`export.fact.${m}`, m)).join(', ') })}</p>
      )}
      <div data-testid={`${prefix}-error`}>
        <FormError error={send.error} />
      </div>
    </form>
  );
}

function Documents({ vehicle, onDone }: { vehicle: Vehicle; onDone: () => void }) {
  const { t, tDynamic, locale } = useI18n();
  const [docs, setDocs] = useState<ExportDocument[] | null>(null);
  const [kind, setKind] = useState<string>(DOCUMENT_KINDS[0]);
  const [forConsignee, setForConsignee] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [uploaded, setUploaded] = useState<string | null>(null);
  const upload = useMutation(uploadDocument);
  const load = () => {
    getVehicle(vehicle.id)
      .then((d) => setDocs(d.documents))
      .catch(() => setDocs([]));
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    const r = await upload.run({ vehicle: vehicle.id }, kind, file, { for_consignee: forConsignee });
    if (r.ok) {
      setUploaded(file.name);
      setFile(null);
      load();
      onDone();
    }
  };
  return (
    <details className="export-docs" onToggle={(e) => (e.currentTarget.open && docs === null ? load() : undefined)} data-testid={`vehicle-${vehicle.vin}-docs`}>
      <summary>{t('export.vehicle.documents')}</summary>
      {docs !== null &&
        (docs.length === 0 ? (
          <p className="muted">{t('export.vehicle.noDocuments')}</p>
        ) : (
          <ul className="export-doc-list">
            {docs.map((d) => (
              <li key={d.id}>
                {tDynamic(`export.doc.${d.doc_type}`, d.doc_type)} {d.number && <span className="mono">{d.number}</span>}{' '}
                <span className="muted small">
                  {new Date(d.created_at).toLocaleDateString(locale)}
                  {d.for_consignee ? ` · ${t('export.doc.forConsignee')}` : ''}
                </span>
              </li>
            ))}
          </ul>
        ))}
      <form className="export-step-form" onSubmit={submit}>
        <label className="field">
          <span>{t('export.doc.kind')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value)} data-testid={`doc-${vehicle.vin}-kind`}>
            {DOCUMENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {tDynamic(`export.doc.${k}`, k)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('export.doc.file')}</span>
          <input type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid={`doc-${vehicle.vin}-file`} />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={forConsignee} onChange={(e) => setForConsignee(e.target.checked)} />
          {t('export.doc.forConsignee')}
        </label>
        <button className="btn btn-secondary btn-small" disabled={!file || upload.pending} data-testid={`doc-${vehicle.vin}-upload`}>
          {t('export.doc.upload')}
        </button>
      </form>
      <FormError error={upload.error} />
      {uploaded && <Notice>{t('export.doc.uploaded', { filename: uploaded })}</Notice>}
    </details>
  );
}
