import { useEffect, useState } from 'react';
import { FormError } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import { invoiceCardCheckout, openInvoiceCardCheckout, type CardCheckoutState, type Invoice } from '../api/settlement';
import { cardNotice } from '../lib/card-checkout';

/** The card rail on the buyer's invoice: loads whether Stripe's hosted checkout is offered, and sends the payer
 * to Stripe's page. CNY invoices are explained without asking the server (Stripe settles no CNY here). */
export function CardCheckoutPanel({ invoice }: { invoice: Invoice }) {
  const [state, setState] = useState<CardCheckoutState | null>(null);
  const ask = invoice.status === 'open' && invoice.currency !== 'CNY';
  useEffect(() => {
    if (!ask) return;
    const ctl = new AbortController();
    invoiceCardCheckout(invoice.id, ctl.signal).then(setState, () => setState(null));
    return () => ctl.abort();
  }, [invoice.id, ask]);
  const open = useMutation(openInvoiceCardCheckout);
  const pay = async () => {
    const r = await open.run(invoice.id);
    if (r.ok && r.value.url) window.location.assign(r.value.url);
  };
  return (
    <>
      <CardCheckoutView invoice={invoice} state={state} pending={open.pending} onPay={() => void pay()} />
      <FormError error={open.error} />
    </>
  );
}

export function CardCheckoutView({ invoice, state, pending, onPay }: { invoice: Invoice; state: CardCheckoutState | null; pending: boolean; onPay: () => void }) {
  const { t } = useI18n();
  const notice = cardNotice(invoice.currency, invoice.status, state);
  if (notice.action === 'none' && !notice.message) return null;
  return (
    <div className="card-checkout" data-testid={`card-checkout-${invoice.id}`}>
      {notice.action === 'pay' && (
        <button type="button" className="btn btn-primary" disabled={pending} onClick={onPay} data-testid="card-checkout-pay">
          {pending ? t('settlement.card.opening') : t('settlement.card.pay')}
        </button>
      )}
      {notice.message && <p className="muted small">{t(notice.message, { currency: invoice.currency })}</p>}
    </div>
  );
}
