import { useEffect, useState } from 'react';
import { Loading } from '../../../components/feedback';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { formatDateTime } from '../../../lib/format';
import { getConsigneeView, type ConsigneeView } from '../api/export';
import { inEnglish as en } from '../lib/english';
import { JourneyTimeline } from './Timelines';

/** What the consignee sees through the secret link: read-only, in English, no login. */
export function ConsigneePage({ token }: { token: string }) {
  const [view, setView] = useState<ConsigneeView | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    getConsigneeView(token).then(setView).catch(() => setFailed(true));
  }, [token]);
  useDocumentTitle(view ? en('consignee.title', '', { reference: view.reference }) : 'Shipment');
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
      <h1>{en('consignee.title', '', { reference: view.reference })}</h1>
      <p className="lead">{en('consignee.for', '', { name: view.consignee.name, country: view.consignee.country })}</p>
      <dl className="kv card export-kv">
        <dt>{en('consignee.status', '')}</dt>
        <dd data-testid="consignee-status">{en(`export.step.${view.status}`, view.status)}</dd>
        <dt>{en('consignee.eta', '')}</dt>
        <dd data-testid="consignee-eta">{view.eta ? formatDateTime(view.eta, 'en') : '—'}</dd>
      </dl>
      <section className="section">
        <h2>{en('consignee.vehicles', '')}</h2>
        <ul className="export-doc-list">
          {view.vehicles.map((v) => (
            <li key={v.vin}>
              {v.make} {v.model} <span className="mono small">{v.vin}</span> · {en(`export.step.${v.step}`, v.step)}
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
                {d.url ? <a href={d.url}>{en(`export.doc.${d.kind}`, d.kind)}</a> : en(`export.doc.${d.kind}`, d.kind)}{' '}
                <span className="muted small">{d.filename}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="section">
        <h2>{en('consignee.journey', '')}</h2>
        <JourneyTimeline events={view.events} eta={view.eta} lang="en" />
      </section>
    </div>
  );
}
