import { useEffect, useState } from 'react';
import { FormError } from '../../../components/form';
import { useMoney } from '../../../hooks/use-money';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import { myCredits, requestCreditRefund, type Credit } from '../api/refunds';

/** The buyer's credits with houses (over-payments, dispute refunds), each with a request to have it paid back. */
export function CreditRefund() {
  const [credits, setCredits] = useState<Credit[]>([]);
  const [n, setN] = useState(0);
  useEffect(() => {
    // A missing list hides the panel: the purchases page stands without it.
    myCredits().then(setCredits, () => setCredits([]));
  }, [n]);
  const ask = useMutation(async (c: Credit) => {
    await requestCreditRefund(c.house_org_id, c.currency);
    setN((x) => x + 1);
  });
  return (
    <>
      <CreditRefundView credits={credits} pending={ask.pending} onRequest={(c) => void ask.run(c)} />
      <FormError error={ask.error} />
    </>
  );
}

export function CreditRefundView({ credits, pending, onRequest }: { credits: Credit[]; pending: boolean; onRequest: (c: Credit) => void }) {
  const { t } = useI18n();
  const { yuan } = useMoney();
  if (!credits.length) return null;
  return (
    <section className="card" data-testid="credits">
      <h2>{t('settlement.credit.title')}</h2>
      <ul>
        {credits.map((c) => (
          <li key={`${c.house_org_id}:${c.currency}`}>
            {t('settlement.credit.line', { house: c.house_name || `#${c.house_org_id}`, amount: yuan(c.balance_fen) })}{' '}
            {c.request_open ? (
              <span className="muted">{t('settlement.credit.requested')}</span>
            ) : c.refundable_fen > 0 ? (
              <button type="button" className="btn" disabled={pending} onClick={() => onRequest(c)}>
                {t('settlement.credit.request')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
