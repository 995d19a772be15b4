import { useState, type FormEvent } from 'react';
import { Notice } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDate } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { recordStep, uploadDocument, type Order, type Vehicle } from '../api/export';
import { DOCUMENT_KINDS, missingFacts, STEP_DOCUMENT, STEP_FACTS, stepFacts, toneOf } from '../lib/desk';
import { DeadlineLine, OrderMoney, StepBadge } from './common';

/** One car of the order: its state, its nearest clock (red or amber with what to do), its next step and papers. */
export function VehicleCard({ order, vehicle, onChange }: { order: Order; vehicle: Vehicle; onChange: () => void }) {
  const { t, tDynamic } = useI18n();
  const tone = toneOf(vehicle.next_deadline?.state);
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
        <dt>{t('export.vehicle.firstRegistration')}</dt>
        <dd>{formatDate(vehicle.first_registration)}</dd>
        {vehicle.steering && (
          <>
            <dt>{t('export.vehicle.steering')}</dt>
            <dd>{tDynamic(`export.vehicle.steering.${vehicle.steering}`, vehicle.steering)}</dd>
          </>
        )}
        <dt>{t('export.orders.total')}</dt>
        <dd>
          <OrderMoney minor={vehicle.price_minor} currency={order.currency} rate={order.fx_rate} />
        </dd>
        <dt>{t('export.vehicle.nextDeadline')}</dt>
        <dd>
          <DeadlineLine deadline={vehicle.next_deadline} testId={`vehicle-${vehicle.vin}-deadline`} />
        </dd>
      </dl>
      {vehicle.warnings.length > 0 && (
        <div className="alert alert-error export-warnings" role="alert" data-testid={`vehicle-${vehicle.vin}-warnings`}>
          <strong>{t('export.warnings.title')}</strong>
          <ul>
            {vehicle.warnings.map((w, i) => (
              <li key={i}>
                <span>{tDynamic(`error.${w.code}`, w.code)}</span> <span className="small">({w.country}: {w.detail})</span>
                <br />
                <span className="small">{t('export.warnings.source', { source: w.source })}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {vehicle.next_steps.length === 0 ? (
        <p className="muted">{t('export.step.done')}</p>
      ) : (
        vehicle.next_steps.map((s) => <StepForm key={s} vehicle={vehicle} step={s} onDone={onChange} />)
      )}
      <Documents vehicle={vehicle} onDone={onChange} />
    </article>
  );
}

function StepForm({ vehicle, step, onDone }: { vehicle: Vehicle; step: string; onDone: () => void }) {
  const { t, tDynamic } = useI18n();
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [file, setFile] = useState<File | null>(null);
  const [missing, setMissing] = useState<string[]>([]);
  const [done, setDone] = useState(false);
  const docKind = STEP_DOCUMENT[step];
  const send = useMutation(async () => {
    // The paper goes first: a gate (the after-sales confirmation) may need it to open.
    if (file && docKind) await uploadDocument(vehicle.id, docKind, file);
    return recordStep(vehicle.id, step, stepFacts(step, values));
  });
  const stepName = tDynamic(`export.step.${step}`, step);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const m = missingFacts(step, values);
    setMissing(m);
    if (m.length) return;
    const r = await send.run();
    if (r.ok) {
      setDone(true);
      setValues({});
      setFile(null);
      onDone();
    }
  };
  const prefix = `step-${vehicle.vin}-${step}`;
  return (
    <form className="export-step-form" onSubmit={submit} data-testid={prefix}>
      {(STEP_FACTS[step] ?? []).map((f) =>
        f.kind === 'check' ? (
          <label key={f.name} className="checkbox">
            <input
              type="checkbox"
              checked={values[f.name] === true}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.checked })}
              data-testid={`${prefix}-${f.name}`}
            />
            {tDynamic(`export.fact.${f.name}`, f.name)}
          </label>
        ) : (
          <label key={f.name} className="field">
            <span>{tDynamic(`export.fact.${f.name}`, f.name)}</span>
            <input
              type={f.kind === 'date' ? 'date' : 'text'}
              value={typeof values[f.name] === 'string' ? String(values[f.name]) : ''}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
              required={f.required}
              data-testid={`${prefix}-${f.name}`}
            />
          </label>
        ),
      )}
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
      {done && !send.error && <Notice>{t('export.step.recorded', { step: stepName })}</Notice>}
    </form>
  );
}

function Documents({ vehicle, onDone }: { vehicle: Vehicle; onDone: () => void }) {
  const { t, tDynamic, locale } = useI18n();
  const [kind, setKind] = useState<string>(DOCUMENT_KINDS[0]);
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation(uploadDocument);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    const r = await upload.run(vehicle.id, kind, file);
    if (r.ok) {
      setFile(null);
      onDone();
    }
  };
  return (
    <details className="export-docs">
      <summary>
        {t('export.vehicle.documents')} ({vehicle.documents.length})
      </summary>
      {vehicle.documents.length === 0 ? (
        <p className="muted">{t('export.vehicle.noDocuments')}</p>
      ) : (
        <ul className="export-doc-list" data-testid={`vehicle-${vehicle.vin}-documents`}>
          {vehicle.documents.map((d) => (
            <li key={d.id}>
              {d.url ? <a href={d.url}>{tDynamic(`export.doc.${d.kind}`, d.kind)}</a> : tDynamic(`export.doc.${d.kind}`, d.kind)}{' '}
              <span className="muted small">
                {d.filename} · {new Date(d.uploaded_at).toLocaleDateString(locale)}
                {d.for_consignee ? ` · ${t('export.doc.forConsignee')}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={submit}>
        <select value={kind} onChange={(e) => setKind(e.target.value)} aria-label={t('export.doc.kind')}>
          {DOCUMENT_KINDS.map((k) => (
            <option key={k} value={k}>
              {tDynamic(`export.doc.${k}`, k)}
            </option>
          ))}
        </select>
        <input type="file" aria-label={t('export.doc.file')} onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <button className="btn btn-secondary btn-small" disabled={!file || upload.pending}>
          {t('export.doc.upload')}
        </button>
      </form>
      <FormError error={upload.error} />
    </details>
  );
}
