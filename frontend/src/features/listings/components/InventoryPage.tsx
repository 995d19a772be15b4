import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Empty, LoadError, Loading, Notice } from '../../../components/feedback';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import { useMoney } from '../../../hooks/use-money';
import { useSession } from '../../../lib/session';
import { importInventory, inventory, transition, type ImportReport, type Listing } from '../api/listings';

export function InventoryPage() {
  const { t } = useI18n();
  const session = useSession();
  useDocumentTitle(t('listings.inventory.title'));
  const dealers = (session.me?.organisations ?? []).filter((o) => o.kind === 'dealer');
  const [orgId, setOrgId] = useState<number | null>(dealers[0]?.id ?? null);
  if (!dealers.length || orgId === null) return <Empty>{t('listings.inventory.noDealer')}</Empty>;
  return (
    <div className="page wide">
      <div className="results-head">
        <h1>{t('listings.inventory.title')}</h1>
        {dealers.length > 1 && (
          <select value={orgId} onChange={(e) => setOrgId(Number(e.target.value))}>
            {dealers.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        )}
        <Link to="/dealer/offers" className="btn" data-testid="dealer-offers-link">
          {t('listings.inventory.allOffers')}
        </Link>
        <Link to={`/dealer/listings/new?org=${orgId}`} className="btn btn-primary" data-testid="new-listing">
          {t('listings.inventory.new')}
        </Link>
      </div>
      <InventoryTable orgId={orgId} />
      <ImportPanel orgId={orgId} />
    </div>
  );
}

function InventoryTable({ orgId }: { orgId: number }) {
  const { t } = useI18n();
  const { money } = useMoney();
  const [items, setItems] = useState<Listing[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    inventory(orgId).then((page) => setItems(page.items), setError);
  }, [orgId]);
  useEffect(load, [load]);
  const act = useMutation(async (id: number, action: 'publish' | 'withdraw') => {
    const updated = await transition(id, action);
    setItems((current) => current?.map((l) => (l.id === id ? updated : l)) ?? null);
  });
  if (error) return <LoadError error={error} onRetry={load} />;
  if (!items) return <Loading />;
  if (!items.length) return <Empty>{t('listings.inventory.empty')}</Empty>;
  return (
    <>
      {act.error ? <p className="alert alert-error" role="alert">{String((act.error as Error).message)}</p> : null}
      <table className="table" data-testid="inventory-table">
        <thead>
          <tr>
            <th>{t('listings.form.vin')}</th>
            <th>{t('listings.form.model')}</th>
            <th>{t('listings.form.price')}</th>
            <th>{t('common.status')}</th>
            <th>{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((l) => (
            <tr key={l.id} data-testid="inventory-row">
              <td>
                <code>{l.vehicle.vin}</code>
              </td>
              <td>
                <Link to={`/listings/${l.id}`}>{l.title}</Link>
              </td>
              <td>{money(l.price_fen)}</td>
              <td data-testid="inventory-status">{t(`listings.status.${l.status}`)}</td>
              <td className="row-actions">
                <Link to={`/dealer/listings/${l.id}/edit`} className="btn btn-ghost">
                  {t('listings.inventory.edit')}
                </Link>
                <Link to={`/dealer/listings/${l.id}/condition`} className="btn btn-ghost" data-testid="condition-link">
                  {t('listings.condition.edit')}
                </Link>
                <Link to={`/dealer/listings/${l.id}/offers`} className="btn btn-ghost" data-testid="offers-link">
                  {t('listings.offers.manage')}
                </Link>
                {['draft', 'withdrawn', 'expired'].includes(l.status) && (
                  <button className="btn" onClick={() => void act.run(l.id, 'publish')} data-testid="publish-button">
                    {t('listings.inventory.publish')}
                  </button>
                )}
                {['draft', 'published'].includes(l.status) && (
                  <button className="btn btn-ghost" onClick={() => void act.run(l.id, 'withdraw')}>
                    {t('listings.inventory.withdraw')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {t('listings.inventory.export')}: <a href={`/api/dealers/${orgId}/inventory/export?format=csv`}>CSV</a> ·{' '}
        <a href={`/api/dealers/${orgId}/inventory/export?format=xlsx`}>XLSX</a>
      </p>
    </>
  );
}

function ImportPanel({ orgId }: { orgId: number }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [goodOnly, setGoodOnly] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const run = useMutation(async () => (file ? importInventory(orgId, file, goodOnly) : null));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const result = await run.run();
    if (result.ok) setReport(result.value);
  };
  return (
    <section className="card">
      <h2>{t('listings.inventory.import')}</h2>
      <form onSubmit={submit}>
        <label>
          {t('listings.inventory.importFile')}{' '}
          <input type="file" accept=".csv,.xlsx" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="import-file" />
        </label>
        <label className="facet-option">
          <input type="checkbox" checked={goodOnly} onChange={() => setGoodOnly(!goodOnly)} /> {t('listings.inventory.goodRowsOnly')}
        </label>
        <button type="submit" className="btn" disabled={!file || run.pending} data-testid="import-submit">
          {t('listings.inventory.import')}
        </button>
      </form>
      {run.error ? <p className="alert alert-error" role="alert">{String((run.error as Error).message)}</p> : null}
      {report && (
        <div data-testid="import-report">
          {report.imported ? (
            <Notice>{t('listings.inventory.importDone', { created: report.created, updated: report.updated })}</Notice>
          ) : (
            <Notice tone="warning">{t('listings.inventory.importRefused')}</Notice>
          )}
          {report.errors.length > 0 && (
            <table className="table">
              <thead>
                <tr>
                  <th>{t('listings.inventory.line')}</th>
                  <th>{t('listings.inventory.column')}</th>
                  <th>{t('listings.inventory.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {report.errors.map((e, i) => (
                  <tr key={i}>
                    <td>{e.line}</td>
                    <td>
                      <code>{e.column}</code>
                    </td>
                    <td>{e.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
