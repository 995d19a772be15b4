import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { LoadError, Loading } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { errorMessage } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { useMoney } from '../../../hooks/use-money';
import { useSession } from '../../../lib/session';
import {
  confirmDeposit,
  getSession,
  listRegistrations,
  myRegistration,
  register,
  removeLot,
  resultsExportUrl,
  type AuctionSession,
  type Registration,
} from '../api/auctions';
import { DraftManager } from './DraftManager';
import { PhaseBadge, SessionResults } from './SessionSummary';
import { TermsSummary } from './TermsSummary';

function RegistrationPanel({ session }: { session: AuctionSession }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { moneyExact } = useMoney();
  const me = useSession().me;
  const [reg, setReg] = useState<Registration | null | undefined>(undefined);
  const [orgId, setOrgId] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const dealerOrgs = (me?.organisations ?? []).filter((o) => o.kind === 'dealer');
  useEffect(() => {
    myRegistration(session.id).then(setReg, () => setReg(null));
  }, [session.id]);
  useEffect(() => setOrgId(dealerOrgs[0]?.id ?? null), [me]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!me || reg === undefined) return null;
  if (reg)
    return (
      <section className="card" data-testid="registration">
        <h2>{t('auctions.registration')}</h2>
        <p>{t('auctions.yourPaddle', { paddle: reg.paddle })}</p>
        <p data-testid="deposit-status" data-status={reg.deposit_status}>
          {t(`auctions.depositStatus.${reg.deposit_status}` as MessageKey)} ({moneyExact(reg.deposit_amount)})
        </p>
        {reg.instructions && <p className="muted small pre-line">{reg.instructions}</p>}
      </section>
    );
  return (
    <section className="card">
      <h2>{t('auctions.register')}</h2>
      <label className="field">
        <span>{t('auctions.registerAs')}</span>
        <select value={orgId ?? ''} onChange={(e) => setOrgId(e.target.value ? Number(e.target.value) : null)}>
          {dealerOrgs.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
          {session.terms.allow_individuals && <option value="">{t('auctions.asIndividual')}</option>}
        </select>
      </label>
      <button
        type="button"
        className="btn btn-primary"
        data-testid="register"
        onClick={() => register(session.id, orgId).then(setReg, (e) => setError(errorMessage(e, i18n)))}
      >
        {t('auctions.register')}
      </button>
      {error && <p className="alert alert-error">{error}</p>}
    </section>
  );
}

function HousePanel({ session }: { session: AuctionSession }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { moneyExact } = useMoney();
  const [regs, setRegs] = useState<Registration[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => listRegistrations(session.id).then((r) => setRegs(r.items), () => setRegs(null));
  const confirm = (id: number) => {
    setError(null);
    void confirmDeposit(id).then(load, (e) => setError(errorMessage(e, i18n)));
  };
  useEffect(() => void load(), [session.id]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!regs) return null;
  return (
    <section className="card" data-testid="registrations">
      <h2>{t('auctions.registrations')}</h2>
      {regs.length === 0 && <p className="muted small">{t('auctions.noRegistrations')}</p>}
      <ul>
        {regs.map((r) => (
          <li key={r.id} data-testid={`registration-${r.paddle}`}>
            {r.paddle} · {r.payment_reference} · {moneyExact(r.deposit_amount)} ·{' '}
            {t(`auctions.depositStatus.${r.deposit_status}` as MessageKey)}{' '}
            {r.deposit_status === 'pending' && (
              <button type="button" className="btn btn-small" onClick={() => confirm(r.id)} data-testid={`confirm-deposit-${r.paddle}`}>
                {t('auctions.confirmDeposit')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {error && <p className="alert alert-error">{error}</p>}
    </section>
  );
}

/** A draft's lot can be taken out again: its vehicle and consignment are free for another session. */
function RemoveLot({ lotId, onRemoved }: { lotId: number; onRemoved: () => void }) {
  const { t } = useI18n();
  const remove = useMutation(removeLot);
  return (
    <>
      <button
        type="button"
        className="btn btn-ghost"
        disabled={remove.pending}
        data-testid={`remove-lot-${lotId}`}
        onClick={async () => {
          if (!window.confirm(t('auctions.manage.removeConfirm'))) return;
          if ((await remove.run(lotId)).ok) onRemoved();
        }}
      >
        {t('auctions.manage.removeLot')}
      </button>
      <FormError error={remove.error} />
    </>
  );
}

export function Catalogue({ sessionId }: { sessionId: number }) {
  const { t, locale } = useI18n();
  const { money, moneyExact } = useMoney();
  const me = useSession().me;
  const [session, setSession] = useState<AuctionSession | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => getSession(sessionId).then(setSession, setError);
  useEffect(() => void load(), [sessionId]); // eslint-disable-line react-hooks/exhaustive-deps
  if (error) return <LoadError error={error} onRetry={() => void load()} />;
  if (!session) return <Loading />;
  const staff = !!me?.organisations.some((o) => o.id === session.house_org_id);
  return (
    <div className="page">
      <h1>
        {session.title} <PhaseBadge session={session} />
      </h1>
      <p className="muted">
        {t(`auctions.kind.${session.kind}` as MessageKey)} · {t('auctions.starts')} {formatDateTime(session.starts_at, locale)}
      </p>
      <p className="muted small">
        {t('auctions.deposit')} {money(session.terms.deposit)} · {t('auctions.buyingLimit')} {money(session.terms.buying_limit)}
        {session.mode === 'timed' && ` · ${t('auctions.softClose', { seconds: session.terms.soft_close_seconds })}`}
      </p>
      <SessionResults session={session} />
      {staff && session.status === 'published' && (
        <p>
          <a className="btn btn-secondary" href={resultsExportUrl(session.id)} download data-testid="export-results">
            {t('auctions.results.export')}
          </a>
        </p>
      )}
      <TermsSummary session={session} />
      {staff && (
        <p>
          <Link to="/auctions/house">{t('auctions.house.title')}</Link>
        </p>
      )}
      {session.status === 'published' && <RegistrationPanel session={session} />}
      {staff && session.status === 'published' && <HousePanel session={session} />}
      {staff && session.status === 'draft' && <DraftManager session={session} onChanged={() => void load()} />}
      <h2>{t('auctions.catalogue')}</h2>
      <ul className="lot-list" data-testid="lot-list">
        {session.lots.map((lot) => (
          <li key={lot.id} className="card">
            <h3>
              {t('auctions.lot', { n: lot.position })} · {lot.vehicle?.title}
            </h3>
            <p className="muted small">
              {t('auctions.starting')} {money(lot.starting_price)} · {t(`auctions.status.${lot.status}` as MessageKey)}
              {lot.price !== null && ` · ${t(lot.status === 'sold' ? 'auctions.sale.hammer' : 'auctions.current')} ${money(lot.price)}`}
              {lot.reserve_price != null && ` · ${t('auctions.reserve', { amount: moneyExact(lot.reserve_price) })}`}
              {lot.buy_now_price != null && ` · ${t('auctions.buyNow', { amount: moneyExact(lot.buy_now_price) })}`}
            </p>
            {lot.reserve_price !== undefined && (lot.status === 'conditional' || lot.status === 'countered') && (
              <p className="alert alert-warning" data-testid={`decision-needed-${lot.id}`}>
                {t('auctions.decisionNeeded')}
              </p>
            )}
            {session.status === 'published' && <Link className="btn btn-primary" to={`/auctions/lots/${lot.id}`} data-testid={`enter-lot-${lot.id}`}>
              {t('auctions.enterRoom')}
            </Link>}{' '}
            {staff && session.status === 'published' && session.mode === 'live' && (
              <Link className="btn btn-secondary" to={`/auctions/lots/${lot.id}/console`}>
                {t('auctions.console')}
              </Link>
            )}
            {staff && session.status === 'draft' && <RemoveLot lotId={lot.id} onRemoved={() => void load()} />}
          </li>
        ))}
      </ul>
    </div>
  );
}
