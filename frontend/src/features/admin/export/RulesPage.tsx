import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Empty, LoadError, Loading } from '../../../components/feedback';
import { FormError, SelectField, TextField } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { issueField, isApiError } from '../../../lib/api-client';
import { issueMessage } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import {
  KNOWN_CERTIFICATES,
  addRule,
  ageBand,
  certificateRows,
  groupRules,
  listRules,
  type CertificateRule,
  type DestinationRule,
  type RuleInput,
} from './api';

const FIELDS = ['country', 'effective_from', 'source', 'max_age_years', 'age_basis', 'age_counted_at', 'steering', 'min_euro', 'certificates', 'notes'];

type CertRow = { from: string; under: string; certificate: string };
type Draft = {
  country: string;
  effective_from: string;
  source: string;
  max_age_years: string;
  age_basis: string;
  age_counted_at: string;
  steering: string;
  min_euro: string;
  certificates: CertRow[];
  notes: string;
};

const today = () => new Date().toISOString().slice(0, 10);

const blank = (): Draft => ({
  country: '',
  effective_from: today(),
  source: '',
  max_age_years: '',
  age_basis: 'first_registration',
  age_counted_at: 'shipment',
  steering: '',
  min_euro: '',
  certificates: [],
  notes: '',
});

/** A new version's draft from an existing one: the same rule, effective from today until staff change the date. */
function draftFrom(r: DestinationRule): Draft {
  const s = (n: number | null) => (n === null ? '' : String(n));
  return {
    country: r.country,
    effective_from: today(),
    source: r.source,
    max_age_years: s(r.max_age_years),
    age_basis: r.age_basis,
    age_counted_at: r.age_counted_at,
    steering: r.steering ?? '',
    min_euro: s(r.min_euro),
    certificates: r.certificates.map((c) => ({ from: String(c.from_years), under: s(c.under_years), certificate: c.certificate })),
    notes: r.notes,
  };
}

function useCertificateName() {
  const { tDynamic } = useI18n();
  return (code: string) => tDynamic(`admin.rules.cert.${code}`, code);
}

/** Staff: each destination's rule versions (history stays) and a form adding a version from an effective date. */
export function RulesPage() {
  const { t } = useI18n();
  const [rules, setRules] = useState<DestinationRule[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [draft, setDraft] = useState<{ draft: Draft; n: number }>({ draft: blank(), n: 0 });
  const load = useCallback(() => {
    setError(null);
    listRules().then(setRules, setError);
  }, []);
  useEffect(load, [load]);

  function startFrom(r: DestinationRule) {
    setDraft((d) => ({ draft: draftFrom(r), n: d.n + 1 }));
    document.getElementById('rule-form')?.scrollIntoView({ block: 'start' });
  }

  return (
    <section className="staff-export" data-testid="staff-rules">
      <RuleForm key={draft.n} initial={draft.draft} onAdded={load} />
      {error ? <LoadError error={error} onRetry={load} /> : null}
      {!error && rules === null && <Loading />}
      {rules && rules.length === 0 && <Empty>—</Empty>}
      {rules &&
        groupRules(rules).map(([country, versions]) => (
          <div key={country} className="card staff-card" data-testid={`rules-${country}`}>
            <div className="staff-rule-head">
              <h3>{country}</h3>
              <button
                type="button"
                className="btn btn-small btn-ghost"
                data-testid={`rules-${country}-start`}
                onClick={() => startFrom(versions.find((v) => v.in_force) ?? versions[0]!)}
              >
                {t('admin.rules.startFrom')}
              </button>
            </div>
            <div className="table-scroll">
              <table className="table">
                <thead>
                  <tr>
                    <th>{t('admin.rules.effectiveFrom')}</th>
                    <th>{t('admin.rules.maxAge')}</th>
                    <th>{t('admin.rules.steering')}</th>
                    <th>{t('admin.rules.minEuro')}</th>
                    <th>{t('admin.rules.certificates')}</th>
                    <th>{t('admin.rules.source')}</th>
                  </tr>
                </thead>
                <tbody>
                  {versions.map((r, i) => (
                    <RuleRow key={`${r.id ?? 's'}-${i}`} rule={r} />
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ))}
    </section>
  );
}

export function RuleRow({ rule: r }: { rule: DestinationRule }) {
  const { t, tDynamic } = useI18n();
  const certName = useCertificateName();
  return (
    <tr data-testid="rule-version">
      <td>
        {r.effective_from} {r.in_force && <span className="badge status-verified">{t('admin.rules.inForce')}</span>}
      </td>
      <td>
        {r.max_age_years === null
          ? t('admin.rules.any')
          : `${r.max_age_years} (${tDynamic(`admin.rules.basis.${r.age_basis}`, r.age_basis)}, ${tDynamic(`admin.rules.at.${r.age_counted_at}`, r.age_counted_at)})`}
      </td>
      <td>{r.steering ? r.steering.toUpperCase() : t('admin.rules.any')}</td>
      <td>{r.min_euro === null ? t('admin.rules.any') : `Euro ${r.min_euro}`}</td>
      <td data-testid="rule-certificates">
        {r.certificates.length === 0
          ? '—'
          : r.certificates.map((c: CertificateRule, i) => (
              <div key={i}>
                {certName(c.certificate)} <span className="muted">({t('admin.rules.cert.band', { band: ageBand(c) })})</span>
              </div>
            ))}
      </td>
      <td>
        {r.source}
        {r.shipped && <> · {t('admin.rules.shipped')}</>}
        {r.notes && <div className="muted">{r.notes}</div>}
      </td>
    </tr>
  );
}

function RuleForm({ initial, onAdded }: { initial: Draft; onAdded: () => void }) {
  const { t, locale } = useI18n();
  const [f, setF] = useState<Draft>(initial);
  const [done, setDone] = useState(false);
  const mutation = useMutation((body: RuleInput) => addRule(body));
  const err: Record<string, string> = {};
  if (isApiError(mutation.error)) {
    for (const issue of mutation.error.validationIssues) {
      const key = issueField(issue).split('.')[0] ?? '';
      if (!(key in err)) err[key] = issueMessage(issue, locale);
    }
  }
  const set = (k: Exclude<keyof Draft, 'certificates'>) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const setCert = (i: number, patch: Partial<CertRow>) =>
    setF({ ...f, certificates: f.certificates.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const num = (v: string) => (v.trim() === '' ? null : Number(v));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const res = await mutation.run({
      country: f.country.trim().toUpperCase(),
      effective_from: f.effective_from,
      source: f.source.trim(),
      max_age_years: num(f.max_age_years),
      age_basis: f.age_basis,
      age_counted_at: f.age_counted_at,
      steering: f.steering || null,
      min_euro: num(f.min_euro),
      certificates: certificateRows(f.certificates),
      notes: f.notes.trim(),
    });
    if (res.ok) {
      setDone(true);
      onAdded();
    }
  }

  const any = { value: '', label: t('admin.rules.any') };
  return (
    <form id="rule-form" className="card staff-card staff-rule-form" onSubmit={submit} noValidate data-testid="rule-form">
      <h2>{t('admin.rules.add')}</h2>
      <p className="muted">{t('admin.rules.addHint')}</p>
      <div className="staff-grid">
        <TextField label={t('admin.rules.country')} name="country" value={f.country} maxLength={2} onChange={set('country')} error={err.country} required />
        <TextField label={t('admin.rules.effectiveFrom')} name="effective_from" type="date" value={f.effective_from} onChange={set('effective_from')} error={err.effective_from} required />
        <TextField label={t('admin.rules.maxAge')} name="max_age_years" type="number" value={f.max_age_years} onChange={set('max_age_years')} error={err.max_age_years} />
        <SelectField
          label={t('admin.rules.ageBasis')}
          name="age_basis"
          value={f.age_basis}
          onChange={set('age_basis')}
          error={err.age_basis}
          options={['first_registration', 'manufacture'].map((v) => ({ value: v, label: t(`admin.rules.basis.${v}` as 'admin.rules.basis.manufacture') }))}
        />
        <SelectField
          label={t('admin.rules.ageCountedAt')}
          name="age_counted_at"
          value={f.age_counted_at}
          onChange={set('age_counted_at')}
          error={err.age_counted_at}
          options={['shipment', 'arrival'].map((v) => ({ value: v, label: t(`admin.rules.at.${v}` as 'admin.rules.at.arrival') }))}
        />
        <SelectField label={t('admin.rules.steering')} name="steering" value={f.steering} onChange={set('steering')} error={err.steering} options={[any, { value: 'lhd', label: 'LHD' }, { value: 'rhd', label: 'RHD' }]} />
        <TextField label={t('admin.rules.minEuro')} name="min_euro" type="number" value={f.min_euro} onChange={set('min_euro')} error={err.min_euro} />
        <TextField label={t('admin.rules.source')} name="source" value={f.source} maxLength={300} onChange={set('source')} error={err.source} required />
        <TextField label={t('admin.rules.notes')} name="notes" value={f.notes} maxLength={500} onChange={set('notes')} error={err.notes} />
      </div>
      <CertificatesEditor rows={f.certificates} error={err.certificates} onChange={(certificates) => setF({ ...f, certificates })} onEdit={setCert} />
      <FormError error={mutation.error} fields={FIELDS} />
      {done && <p role="status">{t('admin.rules.added')}</p>}
      <button type="submit" className="btn btn-primary" disabled={mutation.pending} data-testid="rule-submit">
        {mutation.pending ? t('common.working') : t('admin.rules.add')}
      </button>
    </form>
  );
}

/** The rule's certificate table: from which age (and under which) a car needs which paper. */
export function CertificatesEditor({
  rows,
  error,
  onChange,
  onEdit,
}: {
  rows: CertRow[];
  error?: string;
  onChange: (rows: CertRow[]) => void;
  onEdit: (i: number, patch: Partial<CertRow>) => void;
}) {
  const { t } = useI18n();
  const certName = useCertificateName();
  return (
    <fieldset className={`staff-certs${error ? ' field-invalid' : ''}`} data-testid="rule-certificates-editor">
      <legend>{t('admin.rules.certificates')}</legend>
      <p className="muted small">{t('admin.rules.cert.hint')}</p>
      <datalist id="known-certificates">
        {KNOWN_CERTIFICATES.map((c) => (
          <option key={c} value={c}>
            {certName(c)}
          </option>
        ))}
      </datalist>
      {rows.map((r, i) => (
        <div key={i} className="staff-cert-row" data-testid="rule-certificate">
          <TextField label={t('admin.rules.cert.from')} name={`cert-from-${i}`} type="number" min={0} value={r.from} onChange={(e) => onEdit(i, { from: e.target.value })} />
          <TextField label={t('admin.rules.cert.under')} name={`cert-under-${i}`} type="number" min={1} value={r.under} onChange={(e) => onEdit(i, { under: e.target.value })} />
          <TextField
            label={t('admin.rules.cert.name')}
            name={`cert-name-${i}`}
            list="known-certificates"
            maxLength={40}
            value={r.certificate}
            hint={KNOWN_CERTIFICATES.includes(r.certificate as (typeof KNOWN_CERTIFICATES)[number]) ? certName(r.certificate) : undefined}
            onChange={(e) => onEdit(i, { certificate: e.target.value })}
          />
          <button type="button" className="btn btn-small btn-ghost" data-testid="rule-certificate-remove" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            {t('admin.rules.cert.remove')}
          </button>
        </div>
      ))}
      {error && <p className="field-error">{error}</p>}
      <button
        type="button"
        className="btn btn-small"
        data-testid="rule-certificate-add"
        disabled={rows.length >= 20}
        onClick={() => onChange([...rows, { from: '0', under: '', certificate: '' }])}
      >
        {t('admin.rules.cert.add')}
      </button>
    </fieldset>
  );
}
