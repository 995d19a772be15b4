import '../settlement.css';
import { Link, useLocation } from 'react-router';
import { Empty, LoadError, LoadMore, Loading } from '../../../components/feedback';
import { useCursorList } from '../../../hooks/use-cursor-list';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useI18n } from '../../../lib/i18n';
import { myInvoices, type Invoice } from '../api/settlement';
import { cardReturn } from '../lib/card-checkout';
import { AfterSale } from './AfterSale';
import { CardCheckoutPanel } from './CardCheckout';
import { CreditRefund } from './CreditRefund';
import { InvoiceView } from './InvoiceView';

/** The buyer's purchases: one invoice per car won or bought, with what is still due and how to pay it. */
export function PurchasesPage() {
  const { t } = useI18n();
  useDocumentTitle(t('settlement.purchases.title'));
  const list = useCursorList<Invoice>((cursor, signal) => myInvoices(cursor, signal), []);
  const back = cardReturn(useLocation().search); // Stripe's hosted checkout sends the payer back here
  return (
    <div className="page wide settlement">
      <h1>{t('settlement.purchases.title')}</h1>
      <p className="muted">{t('settlement.purchases.howToPay')}</p>
      <CreditRefund />
      {back && (
        <p className={`alert alert-${back === 'done' ? 'success' : 'info'}`} role="status" data-testid="card-return">
          {t(back === 'done' ? 'settlement.card.returned' : 'settlement.card.cancelled')}
        </p>
      )}
      {list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : list.loading && !list.items.length ? (
        <Loading />
      ) : !list.items.length ? (
        <Empty>{t('settlement.purchases.empty')}</Empty>
      ) : (
        <ul className="invoice-list" data-testid="purchases">
          {list.items.map((invoice) => (
            <li key={invoice.id} className="card">
              <InvoiceView invoice={invoice} />
              <CardCheckoutPanel invoice={invoice} />
              <AfterSale invoice={invoice} />
              {invoice.lot_id !== null && (
                <p className="small">
                  {invoice.session_title ? <span>{invoice.session_title} · </span> : null}
                  <Link to={`/auctions/lots/${invoice.lot_id}`}>{invoice.lot_title || t('settlement.purchases.lot')}</Link>
                </p>
              )}
              {invoice.listing_id !== null && (
                <p className="small">
                  <Link to={`/listings/${invoice.listing_id}`}>{t('settlement.purchases.listing')}</Link>
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
    </div>
  );
}
