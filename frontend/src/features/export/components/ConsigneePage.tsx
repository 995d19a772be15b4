import { useEffect, useState } from 'react';
import { Loading } from '../../../components/feedback';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { formatDate } from '../../../lib/format';
import { fetchConsigneeDocument, getTrack, type Track } from '../api/export';
import { inEnglish as en } from '../lib/english';
import { EtaLine, JourneyTimeline } from './Timelines';

/** What the consignee sees through the secret link: read-only, in English, no login. */
export function ConsigneePage({ token }: { token: string }) {
  const [view, setView] = useState<Track | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!token) {
      setFailed(true);
      return;
    }
    getTrack(token)
      .then(setView)
      .catch(() => setFailed(true));
  }, [token]);
  useDocumentTitle(view ? en('consignee.title', '', { reference: view.order_reference }) : 'Shipment');
  if (failed)
    return (
      <div className="page narrow" lang="en">
        <p className="alert alert-error" role="alert" data-testid="consignee-invalid">
          {en('consignee.invalid', '')}
        </p>
      </div>
    );
  if (!view) return <Loading label="Loading…" />;
  return (
    <div className="page export-consignee" lang="en" data-testid="consignee-page">
      <h1>{en('consignee.title', '', { reference: view.order_reference })}</h1>
      <p className="lead">
        {en('consignee.for', '', { name: view.consignee, country: view.destination_country })} · {view.incoterm} {view.named_place}
      </p>
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
