import { useEffect, useState } from 'react';
import { Loading } from '../../../components/feedback';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { formatDate } from '../../../lib/format';
import { formatMinor } from '../lib/money';
import { fetchConsigneeDocument, getTrack, getTrackAfterCheckout, type Track, type TrackPayment } from '../api/export';
import { inEnglish as en } from '../lib/english';
import { EtaLine, JourneyTimeline } from './Timelines';

/** What the consignee sees through the secret link (or, back from Stripe's hosted checkout, through the session it
 * paid with): read-only, in English, no login. */
export function ConsigneePage({ token, card = null, session = '' }: { token: string; card?: 'done' | 'cancelled' | null; session?: string }) {
  const [view, setView] = useState<Track | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const load = token ? getTrack(token) : session ? getTrackAfterCheckout(session) : null;
    if (!load) {
      setFailed(true);
      return;
    }
    load.then(setView).catch(() => setFailed(true));
  }, [token, session]);
  useDocumentTitle(view ? en('consignee.title', '', { reference: view.order_reference }) : 'Shipment');
  if (failed)
    return (
      <div className="page narrow" lang="en">
        {card === 'cancelled' ? (
          <p className="alert alert-warning" role="status" data-testid="consignee-card-cancelled">
            {en('consignee.card.cancelled', '')}
          </p>
        ) : (
          <p className="alert alert-error" role="alert" data-testid="consignee-invalid">
            {en('consignee.invalid', '')}
          </p>
        )}
      </div>
    );
  if (!view) return <Loading label="Loading…" />;
  return (
    <div className="page export-consignee" lang="en" data-testid="consignee-page">
      <h1>{en('consignee.title', '', { reference: view.order_reference })}</h1>
      <p className="lead">
        {en('consignee.for', '', { name: view.consignee, country: view.destination_country })} · {view.incoterm} {view.named_place}
      </p>
      {card === 'cancelled' && (
        <p className="alert alert-warning" role="status" data-testid="consignee-card-cancelled">
          {en('consignee.card.cancelled', '')}
        </p>
      )}
      {view.payment && <PaymentState payment={view.payment} back={card === 'done'} />}
      <div className="card">
        <EtaLine eta={view.eta} tr={en} locale="en" testId="consignee-eta" />
      </div>
      <section className="section">
        <h2>{en('consignee.vehicles', '')}</h2>
        <ul className="export-doc-list" data-testid="consignee-vehicles">
          {view.vehicles.map((v) => (
            <li key={v.vin}>
              {v.make} {v.model} <span className="mono small">{v.vin}</span> ·{' '}
              <strong data-testid={`consignee-status-${v.vin}`}>{en(`export.step.${v.status}`, v.status)}</strong>
            </li>
          ))}
        </ul>
      </section>
      <section className="section">
        <h2>{en('consignee.documents', '')}</h2>
        {view.documents.length === 0 ? (
          <p className="muted">{en('consignee.none', '')}</p>
        ) : (
          <ul className="export-doc-list" data-testid="consignee-documents">
            {view.documents.map((d) => (
              <li key={d.id}>
                <button
                  type="button"
                  className="btn btn-ghost btn-small"
                  onClick={async () => {
                    const blob = await fetchConsigneeDocument(token, d.id).catch(() => null);
                    if (blob) window.open(URL.createObjectURL(blob), '_blank', 'noopener');
                  }}
                >
                  {en(`export.doc.${d.doc_type}`, d.doc_type)}
                </button>{' '}
                {d.number && <span className="mono">{d.number}</span>}{' '}
                <span className="muted small">{formatDate(d.issued_on)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {view.events && (
        <section className="section">
          <h2>{en('consignee.journey', '')}</h2>
          <JourneyTimeline events={view.events} eta={view.eta} english />
        </section>
      )}
    </div>
  );
}

/** The order's payment as the buyer abroad sees it; back from Stripe, what became of the card payment just made. */
export function PaymentState({ payment, back }: { payment: TrackPayment; back: boolean }) {
  const money = (minor: number) => formatMinor(minor, payment.currency, 'en');
  const card = payment.card_status;
  return (
    <section className="section card" data-testid="consignee-payment">
      <h2>{en('consignee.payment', '')}</h2>
      <p data-testid="consignee-paid">
        {en('consignee.paidOf', '', { paid: money(payment.paid_minor), total: money(payment.total_minor) })}
        {payment.due_minor > 0 && <> · {en('consignee.due', '', { due: money(payment.due_minor) })}</>}
      </p>
      {card === 'succeeded' && payment.due_minor > 0 && <p data-testid="consignee-card-state">{en('consignee.card.received', '')}</p>}
      {card === 'succeeded' && payment.due_minor <= 0 && back && <p data-testid="consignee-card-state">{en('consignee.card.thanks', '')}</p>}
      {card === 'processing' && <p data-testid="consignee-card-state">{en('consignee.card.processing', '')}</p>}
      {back && (card === 'open' || card === 'canceled') && <p data-testid="consignee-card-state">{en('consignee.card.notPaid', '')}</p>}
    </section>
  );
}
