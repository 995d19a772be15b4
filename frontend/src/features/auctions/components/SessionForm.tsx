import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { FormError, SelectField, SubmitButton, TextField } from '../../../components/form';
import { serverFieldErrors } from '../../../lib/errors';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { useSession } from '../../../lib/session';
import { useMutation } from '../../../hooks/use-mutation';
import { createSession, type AuctionSession } from '../api/auctions';
import { buildTerms, defaultTerms, serverTermsErrors, type TermsForm } from '../lib/terms';
import { houseOrganisations } from '../lib/house';
import { LadderEditor, PremiumEditor, TermsFields, type FieldErrors } from './TermsEditor';
import '../auctions.css';

/** "2026-11-25T16:05" for a datetime-local input, in the browser's time zone. */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

const KINDS: AuctionSession['kind'][] = ['online', 'onsite', 'hybrid'];

/** The auction house creates a draft session: title, kind, schedule and terms. Lots are added on its catalogue page. */
export function SessionForm() {
  const { t } = useI18n();
  const me = useSession().me;
  const navigate = useNavigate();
  const houses = houseOrganisations(me);
  const [houseId, setHouseId] = useState<number | null>(houses[0]?.id ?? null);
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<AuctionSession['kind']>('online');
  const [startsAt, setStartsAt] = useState(() => localInput(new Date(Date.now() + 10 * 60_000)));
  const [terms, setTerms] = useState<TermsForm>(defaultTerms);
  const [errors, setErrors] = useState<FieldErrors>({});
  const mutation = useMutation(createSession);

  if (houses.length === 0)
    return (
      <div className="page narrow">
        <h1>{t('auctions.new.title')}</h1>
        <p className="alert alert-warning" data-testid="no-house">
          {t('auctions.new.noHouse')}
        </p>
      </div>
    );

  const raw = serverFieldErrors(mutation.error);
  const server = serverTermsErrors(raw);
  const shown = { ...server, ...errors };
  // A table rule the server could not pin on a band stays on `terms`, which no input shows.
  const inline = Object.keys(raw).filter((f) => f !== 'terms' || !('terms' in server));

  async function submit(e: FormEvent) {
    e.preventDefault();
    mutation.reset();
    const next: FieldErrors = {};
    const built = buildTerms(terms);
    for (const [field, p] of Object.entries(built.problems)) next[field] = t(p.key as MessageKey, p.params);
    if (!title.trim()) next.title = t('validation.required');
    const when = new Date(startsAt);
    if (!startsAt || Number.isNaN(when.getTime())) next.starts_at = t('auctions.form.dateInvalid');
    setErrors(next);
    if (Object.keys(next).length || !built.terms || houseId === null) return;
    const res = await mutation.run({ house_org_id: houseId, title: title.trim(), kind, starts_at: when.toISOString(), terms: built.terms });
    if (res.ok) navigate(`/auctions/${res.value.id}`);
  }

  const mode = kind === 'online' ? 'timed' : 'live';
  return (
    <div className="page">
      <p>
        <Link to="/auctions/house">{t('auctions.house.title')}</Link>
      </p>
      <h1>{t('auctions.new.title')}</h1>
      <p className="muted">{t('auctions.new.intro')}</p>
      <form className="form session-form" onSubmit={submit} noValidate data-testid="session-form">
        <div className="field-pair">
          <SelectField
            label={t('auctions.new.house')}
            value={String(houseId ?? '')}
            onChange={(e) => setHouseId(Number(e.target.value))}
            options={houses.map((h) => ({ value: String(h.id), label: h.name }))}
            error={shown.house_org_id}
          />
          <TextField
            label={t('auctions.form.title')}
            name="session_title"
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            error={shown.title}
            data-testid="session-title"
          />
        </div>
        <div className="field-pair">
          <SelectField
            label={t('auctions.form.kind')}
            value={kind}
            onChange={(e) => setKind(e.target.value as AuctionSession['kind'])}
            options={KINDS.map((k) => ({ value: k, label: t(`auctions.kind.${k}` as MessageKey) }))}
            error={shown.kind}
            data-testid="session-kind"
          />
          <TextField
            label={t('auctions.form.startsAt')}
            type="datetime-local"
            value={startsAt}
            onChange={(e) => setStartsAt(e.target.value)}
            error={shown.starts_at}
            hint={t('auctions.form.startsAtHint')}
            data-testid="session-starts"
          />
        </div>
        <LadderEditor rows={terms.ladder} onChange={(ladder) => setTerms({ ...terms, ladder })} errors={shown} />
        <PremiumEditor rows={terms.premium} onChange={(premium) => setTerms({ ...terms, premium })} errors={shown} />
        <TermsFields form={terms} onChange={setTerms} errors={shown} mode={mode} />
        {Object.keys(errors).length > 0 && (
          <p className="alert alert-error" role="alert" data-testid="form-problems">
            {t('auctions.form.fixErrors')}
          </p>
        )}
        <FormError error={mutation.error} fields={inline} />
        <SubmitButton pending={mutation.pending}>{t('auctions.form.create')}</SubmitButton>
      </form>
    </div>
  );
}
