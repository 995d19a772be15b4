import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Empty, LoadError, Loading } from '../../../components/feedback';
import { FormError, SelectField, TextField } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { issueField, isApiError } from '../../../lib/api-client';
import { issueMessage } from '../../../lib/errors';
import { useI18n } from '../../../lib/i18n';
import { addRule, groupRules, listRules, type DestinationRule, type RuleInput } from './api';

const FIELDS = ['country', 'effective_from', 'source', 'max_age_years', 'age_basis', 'age_counted_at', 'steering', 'min_euro', 'notes'];

/** Staff: each destination's rule versions (history stays) and a form adding a version from an effective date. */
export function RulesPage() {
  const { t } = useI18n();
  const [rules, setRules] = useState<DestinationRule[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    listRules().then(setRules, setError);
  }, []);
  useEffect(load, [load]);

  return (
    <section className="staff-export" data-testid="staff-rules">
      <RuleForm onAdded={load} />
      {error ? <LoadError error={error} onRetry={load} /> : null}
      {!error && rules === null && <Loading />}
      {rules && rules.length === 0 && <Empty>—</Empty>}
      {rules &&
        groupRules(rules).map(([country, versions]) => (
          <div key={country} className="card staff-card" data-testid={`rules-${country}`}>
            <h3>{country}</h3>
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

function RuleRow({ rule: r }: { rule: DestinationRule }) {
  const { t, tDynamic } = useI18n();
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
      <td>{r.certificates.map((c) => String(c.name ?? c.code ?? c.kind ?? JSON.stringify(c))).join(', ') || '—'}</td>
      <td>
        {r.source}
        {r.shipped && <> · {t('admin.rules.shipped')}</>}
        {r.notes && <div className="muted">{r.notes}</div>}
      </td>
    </tr>
  );
}

const today = () => new Date().toISOString().slice(0, 10);

function RuleForm({ onAdded }: { onAdded: () => void }) {
  const { t, locale } = useI18n();
  const [f, setF] = useState({
    country: '',
    effective_from: today(),
    source: '',
    max_age_years: '',
    age_basis: 'first_registration',
    age_counted_at: 'shipment',
    steering: '',
    min_euro: '',
    notes: '',
  });
  const [done, setDone] = useState(false);
  const mutation = useMutation((body: RuleInput) => addRule(body));
  const err: Record<string, string> = {};
  if (isApiError(mutation.error)) {
    for (const issue of mutation.error.validationIssues) {
      const key = issueField(issue).split('.')[0] ?? '';
      if (!(key in err)) err[key] = issueMessage(issue, locale);
    }
  }
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
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
      notes: f.notes.trim(),
    });
    if (res.ok) {
      setDone(true);
      onAdded();
    }
  }

  const any = { value: '', label: t('admin.rules.any') };
  return (
    <form className="card staff-card staff-rule-form" onSubmit={submit} noValidate data-testid="rule-form">
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
      <FormError error={mutation.error} fields={FIELDS} />
      {done && <p role="status">{t('admin.rules.added')}</p>}
      <button type="submit" className="btn btn-primary" disabled={mutation.pending} data-testid="rule-submit">
        {mutation.pending ? t('common.working') : t('admin.rules.add')}
      </button>
    </form>
  );
}
