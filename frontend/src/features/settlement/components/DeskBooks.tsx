import { useEffect, useState } from 'react';
import { LoadError, Loading } from '../../../components/feedback';
import { useMoney } from '../../../hooks/use-money';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { accountEntries, trialBalance, type Statement, type TrialBalance, type TrialBalanceLine } from '../api/settlement';
import { accountLabel } from '../lib/labels';

function StatementView({ house, line, onClose }: { house: number; line: TrialBalanceLine; onClose: () => void }) {
  const { t, locale } = useI18n();
  const { yuan } = useMoney();
  const [statement, setStatement] = useState<Statement | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    accountEntries(house, line.account_id, null).then(setStatement, setError);
  }, [house, line.account_id]);
  return (
    <div className="card" data-testid="statement">
      <h3>
        {accountLabel(line, locale)}{' '}
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          {t('common.close')}
        </button>
      </h3>
      {error ? (
        <LoadError error={error} />
      ) : !statement ? (
        <Loading />
      ) : (
        <table className="table compact">
          <thead>
            <tr>
              <th>{t('settlement.desk.posted')}</th>
              <th>{t('settlement.desk.memo')}</th>
              <th className="num">{t('settlement.desk.amount')}</th>
              <th className="num">{t('settlement.desk.balanceAfter')}</th>
            </tr>
          </thead>
          <tbody>
            {statement.items.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.posted_at, locale)}</td>
                <td>{e.memo || e.kind}</td>
                <td className="num">{yuan(e.amount_fen)}</td>
                <td className="num">{yuan(e.balance_after_fen)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function DeskBooks({ house }: { house: number }) {
  const { t, locale } = useI18n();
  const { yuan } = useMoney();
  const [tb, setTb] = useState<TrialBalance | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [account, setAccount] = useState<TrialBalanceLine | null>(null);
  const load = () => {
    setError(null);
    trialBalance(house).then(setTb, setError);
  };
  useEffect(load, [house]);
  if (error) return <LoadError error={error} onRetry={load} />;
  if (!tb) return <Loading />;
  return (
    <section>
      <p className={tb.balanced ? 'muted' : 'alert alert-error'} data-testid="trial-balance-state">
        {tb.balanced ? t('settlement.desk.balanced') : t('settlement.desk.unbalanced')}
      </p>
      <table className="table" data-testid="trial-balance">
        <thead>
          <tr>
            <th>{t('settlement.desk.account')}</th>
            <th className="num">{t('settlement.desk.debit')}</th>
            <th className="num">{t('settlement.desk.credit')}</th>
          </tr>
        </thead>
        <tbody>
          {tb.lines.map((line) => (
            <tr key={line.account_id}>
              <td>
                <button type="button" className="link" onClick={() => setAccount(line)}>
                  {accountLabel(line, locale)}
                </button>
              </td>
              <td className="num">{line.debit_fen ? yuan(line.debit_fen) : ''}</td>
              <td className="num">{line.credit_fen ? yuan(line.credit_fen) : ''}</td>
            </tr>
          ))}
          <tr className="strong">
            <td>{t('settlement.desk.totals')}</td>
            <td className="num">{yuan(tb.total_debit_fen)}</td>
            <td className="num">{yuan(tb.total_credit_fen)}</td>
          </tr>
        </tbody>
      </table>
      {account && <StatementView house={house} line={account} onClose={() => setAccount(null)} />}
    </section>
  );
}
