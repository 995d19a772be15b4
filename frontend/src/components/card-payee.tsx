/**
 * The organisation's own Stripe connected account (acct_…), where its buyers' card payments go: an auction house's
 * for invoices and card-held deposits, an exporter's for export orders. The platform never takes the money itself,
 * so without a verified account no card payment is offered. Shared by the house's settlement desk and the export
 * desk (each passes its API path).
 */
import { useEffect, useState } from 'react';
import { api } from '../lib/api-client';
import { formatDateTime } from '../lib/format';
import { useI18n, type MessageKey } from '../lib/i18n';
import { useMutation } from '../hooks/use-mutation';
import { LoadError, Loading } from './feedback';
import { FormError, SubmitButton, TextField } from './form';

export interface CardPayee {
  account: string;
  status: 'verified' | 'unverified' | 'refused';
  reason: string;
  country: string;
  default_currency: string;
  set_by_user_id: number;
  set_at: string;
  verified_at: string | null;
}

export interface CardPayeeState {
  current: CardPayee | null;
  history: CardPayee[];
  card_rail: boolean;
  refusal: string | null;
}

/** What the setting means for card payments now (an i18n key): pure, tested alone. */
export function payeeSummary(state: CardPayeeState): MessageKey {
  if (!state.card_rail) return 'payee.noRail';
  if (!state.current) return 'payee.none';
  if (state.current.status === 'verified') return 'payee.verified';
  if (state.current.status === 'refused') return 'payee.refused';
  return 'payee.unverified';
}

export function CardPayeePanel({ path, canEdit }: { path: string; canEdit: boolean }) {
  const { t, locale } = useI18n();
  const [state, setState] = useState<CardPayeeState | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [account, setAccount] = useState('');
  const load = () => {
    setError(null);
    api.get<CardPayeeState>(path).then(setState, setError);
  };
  useEffect(load, [path]);
  const save = useMutation(async () => {
    await api.put<CardPayee>(path, { account: account.trim() });
    setAccount('');
    load();
  });
  const verify = useMutation(async () => {
    await api.post<CardPayee>(`${path}/verify`);
    load();
  });
  if (error) return <LoadError error={error} onRetry={load} />;
  if (!state) return <Loading />;
  const cur = state.current;
  return (
    <section className="section card" aria-labelledby="card-payee" data-testid="card-payee">
      <h2 id="card-payee">{t('payee.title')}</h2>
      <p className="muted small">{t('payee.why')}</p>
      <p data-testid="card-payee-summary">{t(payeeSummary(state))}</p>
      {cur && (
        <dl className="kv">
          <dt>{t('payee.account')}</dt>
          <dd className="mono" data-testid="card-payee-account">{cur.account}</dd>
          <dt>{t('payee.status')}</dt>
          <dd data-testid="card-payee-status">
            {t(`payee.status.${cur.status}` as MessageKey)}
            {cur.reason ? ` — ${t(`error.${cur.reason}` as MessageKey)}` : ''}
          </dd>
          <dt>{t('payee.setAt')}</dt>
          <dd>{formatDateTime(cur.set_at, locale)}</dd>
        </dl>
      )}
      {canEdit && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save.run();
          }}
        >
          <TextField label={t('payee.account')} value={account} onChange={(e) => setAccount(e.target.value)} placeholder="acct_…" required maxLength={80} data-testid="card-payee-input" />
          <SubmitButton pending={save.pending}>{t('payee.save')}</SubmitButton>
          {cur && cur.status !== 'verified' && state.card_rail && (
            <button type="button" className="btn btn-secondary" disabled={verify.pending} onClick={() => void verify.run()}>
              {t('payee.verify')}
            </button>
          )}
          <FormError error={save.error ?? verify.error} />
        </form>
      )}
      {state.history.length > 0 && (
        <details>
          <summary>{t('payee.history')}</summary>
          <ul className="small">
            {state.history.map((h) => (
              <li key={`${h.account}-${h.set_at}`}>
                <span className="mono">{h.account}</span> · {t(`payee.status.${h.status}` as MessageKey)} · {formatDateTime(h.set_at, locale)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
