import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Empty, LoadError, LoadMore, Loading } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { useCursorList } from '../../../hooks/use-cursor-list';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useMoney } from '../../../hooks/use-money';
import {
  deleteSavedSearch,
  listAlerts,
  listSavedSearches,
  markAlertsRead,
  pauseSavedSearch,
  type SavedQuery,
  type SavedSearch,
  type SearchAlert,
} from '../api/listings';
import { searchUrl } from '../lib/saved-search';
import { useLabels } from './labels';

export function SavedSearchesPage() {
  const { t } = useI18n();
  useDocumentTitle(t('listings.saved.title'));
  const [saved, setSaved] = useState<SavedSearch[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    listSavedSearches().then(setSaved, setError);
  }, []);
  useEffect(load, [load]);
  const act = useMutation(async (s: SavedSearch, action: 'pause' | 'resume' | 'delete') => {
    if (action === 'delete') {
      await deleteSavedSearch(s.id);
      setSaved((all) => all?.filter((x) => x.id !== s.id) ?? null);
    } else {
      const updated = await pauseSavedSearch(s.id, action === 'pause');
      setSaved((all) => all?.map((x) => (x.id === s.id ? updated : x)) ?? null);
    }
  });
  return (
    <div className="page wide">
      <h1>{t('listings.saved.title')}</h1>
      <FormError error={act.error} />
      {error ? (
        <LoadError error={error} onRetry={load} />
      ) : !saved ? (
        <Loading />
      ) : !saved.length ? (
        <Empty>
          {t('listings.saved.empty')} <Link to="/listings">{t('nav.listings')}</Link>
        </Empty>
      ) : (
        <ul className="saved-searches" data-testid="saved-searches">
          {saved.map((s) => (
            <li key={s.id} className="card saved-search" data-testid="saved-search">
              <div>
                <h3>
                  {s.name}{' '}
                  <span className={`badge${s.paused ? ' badge-muted' : ''}`} data-testid="saved-search-state">
                    {s.paused ? t('listings.saved.paused') : t('listings.saved.active')}
                  </span>
                </h3>
                <QuerySummary query={s.query} />
              </div>
              <div className="row-actions">
                <Link to={searchUrl(s.query)} className="btn" data-testid="saved-search-run">
                  {t('listings.saved.run')}
                </Link>
                <button
                  type="button"
                  className="btn btn-ghost"
                  disabled={act.pending}
                  onClick={() => void act.run(s, s.paused ? 'resume' : 'pause')}
                  data-testid="saved-search-pause"
                >
                  {s.paused ? t('listings.saved.resume') : t('listings.saved.pause')}
                </button>
                <button
                  type="button"
                  className="btn btn-ghost"
                  disabled={act.pending}
                  onClick={() => void act.run(s, 'delete')}
                  data-testid="saved-search-delete"
                >
                  {t('listings.saved.delete')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <Alerts saved={saved ?? []} />
    </div>
  );
}

function QuerySummary({ query }: { query: Partial<SavedQuery> }) {
  const { t, locale } = useI18n();
  const { money } = useMoney();
  const label = useLabels();
  const parts: string[] = [];
  if (query.q) parts.push(`“${query.q}”`);
  for (const f of ['make', 'model', 'energy_type', 'body_type', 'province', 'city', 'price_band'] as const) {
    const v = query[f];
    if (v) parts.push(v.split(',').map((x) => label(f, x)).join(' / '));
  }
  const range = (lo: string | null, hi: string | null, name: string) => {
    if (lo && hi) parts.push(`${name} ${lo}–${hi}`);
    else if (lo) parts.push(`${name} ≥ ${lo}`);
    else if (hi) parts.push(`${name} ≤ ${hi}`);
  };
  const wan = (f: number | null | undefined) => (f == null ? null : money(f));
  const num = (n: number | null | undefined) => (n == null ? null : n.toLocaleString(locale));
  range(num(query.year_min), num(query.year_max), t('listings.spec.year'));
  range(wan(query.price_min_fen), wan(query.price_max_fen), t('listings.offers.asking'));
  range(num(query.mileage_min_km), num(query.mileage_max_km), t('listings.spec.mileage'));
  if (query.no_accident) parts.push(t('listings.search.noAccident'));
  return <p className="muted">{parts.length ? parts.join(' · ') : t('listings.saved.anything')}</p>;
}

function Alerts({ saved }: { saved: SavedSearch[] }) {
  const { t, locale } = useI18n();
  const { money } = useMoney();
  const [unread, setUnread] = useState(0);
  // The API sends them newest first, a cursor page at a time, with the count of all unread ones.
  const list = useCursorList<SearchAlert>(async (cursor, signal) => {
    const page = await listAlerts(cursor, signal);
    setUnread(page.unread);
    return page;
  }, []);
  // Seeing an alert reads it: the server marks the ones shown, their "New" badge stays for this visit only.
  const shownUnread = list.items
    .filter((a) => !a.read)
    .map((a) => a.id)
    .join(',');
  useEffect(() => {
    if (!shownUnread) return;
    // The count stays as it was on arrival too; the button clears both.
    markAlertsRead(shownUnread.split(',').map(Number)).catch(() => undefined); // still unread: marked next visit
  }, [shownUnread]);
  const markAll = useMutation(async () => {
    const r = await markAlertsRead();
    setUnread(r.unread);
    list.setItems((all) => all.map((a) => ({ ...a, read: true })));
  });
  const names = new Map(saved.map((s) => [s.id, s.name]));
  const anyNew = list.items.some((a) => !a.read);
  return (
    <section>
      <div className="results-head">
        <h2>
          {t('listings.saved.alerts')}{' '}
          {unread > 0 && (
            <span className="badge" data-testid="alerts-unread">
              {t('listings.saved.unread', { count: unread })}
            </span>
          )}
        </h2>
        {anyNew && (
          <button
            type="button"
            className="btn btn-ghost btn-small"
            disabled={markAll.pending}
            onClick={() => void markAll.run()}
            data-testid="alerts-mark-read"
          >
            {t('listings.saved.markRead')}
          </button>
        )}
      </div>
      <FormError error={markAll.error} />
      {list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : list.loading && !list.items.length ? (
        <Loading />
      ) : !list.items.length ? (
        <Empty>{t('listings.saved.noAlerts')}</Empty>
      ) : (
        <ul className="alerts" data-testid="alerts">
          {list.items.map((a) => {
            const name = names.get(a.saved_search_id);
            return (
              <li key={a.id} data-testid="alert">
                {!a.read && (
                  <span className="badge" data-testid="alert-new">
                    {t('listings.saved.new')}
                  </span>
                )}{' '}
                {a.listing ? (
                  <Link to={`/listings/${a.listing_id}`}>{a.listing.title}</Link>
                ) : (
                  <span className="muted">{t('listings.offers.unavailable', { id: a.listing_id })}</span>
                )}{' '}
                <strong className="listing-price-inline">{money(a.price_fen)}</strong>{' '}
                {name && <span className="muted">{t('listings.saved.alertFor', { name })}</span>}{' '}
                <span className="muted">{t('listings.saved.alertAt', { at: formatDateTime(a.created_at, locale) })}</span>
              </li>
            );
          })}
        </ul>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
    </section>
  );
}
