import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Empty, LoadError, LoadMore, Loading, Notice } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { useCursorList } from '../../../hooks/use-cursor-list';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMutation } from '../../../hooks/use-mutation';
import { hasMessage, useI18n, type MessageKey } from '../../../lib/i18n';
import { useMoney } from '../../../hooks/use-money';
import { useSession } from '../../../lib/session';
import { importInventory, inventory, transition, type ImportReport, type InventoryPage, type Listing } from '../api/listings';

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

const STATUSES = ['draft', 'published', 'reserved', 'sold', 'withdrawn', 'expired'] as const;
type Status = (typeof STATUSES)[number];

/** The search and the status filter live in the URL, so a reload or the back button keeps them. */
function useInventoryFilter(): { q: string; status: Status | ''; set: (q: string, status: Status | '') => void } {
  const [params, setParams] = useSearchParams();
  const raw = params.get('status') ?? '';
  const status = (STATUSES as readonly string[]).includes(raw) ? (raw as Status) : '';
  const set = (q: string, s: Status | '') => {
    const next = new URLSearchParams(params);
    for (const [k, v] of [['q', q.trim()], ['status', s]] as const) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  return { q: params.get('q') ?? '', status, set };
}

function InventoryTable({ orgId }: { orgId: number }) {
  const { t } = useI18n();
  const { money } = useMoney();
  const filter = useInventoryFilter();
  const [text, setText] = useState(filter.q);
  const [meta, setMeta] = useState<Pick<InventoryPage, 'total' | 'counts'> | null>(null);
  const list = useCursorList<Listing>(
    (cursor, signal) =>
      inventory(orgId, { q: filter.q, status: filter.status, cursor }, signal).then((page) => {
        setMeta({ total: page.total, counts: page.counts });
        return page;
      }),
    [orgId, filter.q, filter.status],
  );
  const act = useMutation(async (id: number, action: 'publish' | 'withdraw') => {
    const updated = await transition(id, action);
    list.setItems((current) => current.map((l) => (l.id === id ? updated : l)));
  });
  const filtered = filter.q !== '' || filter.status !== '';
  const all = meta ? Object.values(meta.counts).reduce((a, b) => a + (b ?? 0), 0) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    filter.set(text, filter.status);
  };
  const clear = () => {
    setText('');
    filter.set('', '');
  };
  return (
    <>
      <form className="inventory-filter" role="search" onSubmit={submit} data-testid="inventory-filter">
        <input
          type="search"
          aria-label={t('listings.inventory.search')}
          placeholder={t('listings.inventory.searchPlaceholder')}
          value={text}
          maxLength={100}
          onChange={(e) => setText(e.target.value)}
          data-testid="inventory-search"
        />
        <select
          aria-label={t('common.status')}
          value={filter.status}
          onChange={(e) => filter.set(text, e.target.value as Status | '')}
          data-testid="inventory-status-filter"
        >
          <option value="">{all === null ? t('common.all') : t('listings.inventory.countOf', { label: t('common.all'), n: all })}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t('listings.inventory.countOf', { label: t(`listings.status.${s}`), n: meta?.counts[s] ?? 0 })}
            </option>
          ))}
        </select>
        <button type="submit" className="btn" data-testid="inventory-search-submit">
          {t('listings.search.submit')}
        </button>
      </form>
      <FormError error={act.error} />
      {list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : list.loading && !list.items.length ? (
        <Loading />
      ) : !list.items.length ? (
        filtered ? (
          <Empty>
            {t('listings.inventory.noMatch')}{' '}
            <button type="button" className="btn btn-ghost" onClick={clear} data-testid="inventory-clear">
              {t('listings.inventory.clear')}
            </button>
          </Empty>
        ) : (
          <Empty>{t('listings.inventory.empty')}</Empty>
        )
      ) : (
        <>
          {meta && (
            <p className="muted" data-testid="inventory-shown">
              {t('listings.inventory.shown', { shown: list.items.length, total: meta.total })}
            </p>
          )}
          <table className="table inventory-table" data-testid="inventory-table">
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
              {list.items.map((l) => (
                <tr key={l.id} data-testid="inventory-row">
                  <td data-label={t('listings.form.vin')}>
                    <code>{l.vehicle.vin}</code>
                  </td>
                  <td data-label={t('listings.form.model')} className="inventory-title">
                    <Link to={`/listings/${l.id}`}>{l.title}</Link>
                  </td>
                  <td data-label={t('listings.form.price')}>{money(l.price_fen)}</td>
                  <td data-label={t('common.status')} data-testid="inventory-status">
                    {t(`listings.status.${l.status}`)}
                  </td>
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
          <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
        </>
      )}
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
      <FormError error={run.error} />
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
                    <td>{e.code && hasMessage(`error.${e.code}`) ? t(`error.${e.code}` as MessageKey) : e.reason}</td>
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
