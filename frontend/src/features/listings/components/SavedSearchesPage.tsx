import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Empty, LoadError, Loading } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import { formatWan } from '../../../lib/money';
import {
  deleteSavedSearch,
  listAlerts,
  listSavedSearches,
  pauseSavedSearch,
  type SavedQuery,
  type SavedSearch,
  type SearchAlert,
} from '../api/listings';
import { useListings } from '../hooks/use-listing-titles';
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
  const wan = (f: number | null | undefined) => (f == null ? null : formatWan(f, 'zh-CN'));
  const num = (n: number | null | undefined) => (n == null ? null : n.toLocaleString(locale));
  range(num(query.year_min), num(query.year_max), t('listings.spec.year'));
  range(wan(query.price_min_fen), wan(query.price_max_fen), t('listings.offers.asking'));
  range(num(query.mileage_min_km), num(query.mileage_max_km), t('listings.spec.mileage'));
  if (query.no_accident) parts.push(t('listings.search.noAccident'));
  return <p className="muted">{parts.length ? parts.join(' · ') : t('listings.saved.anything')}</p>;
}

function Alerts({ saved }: { saved: SavedSearch[] }) {
  const { t } = useI18n();
  const [alerts, setAlerts] = useState<SearchAlert[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    // The API sends them newest first; sorting again keeps that true whatever it sends.
    listAlerts().then((items) => setAlerts([...items].sort((a, b) => b.id - a.id)), setError);
  }, []);
  useEffect(load, [load]);
  const listings = useListings(alerts?.map((a) => a.listing_id) ?? []);
  const names = new Map(saved.map((s) => [s.id, s.name]));
  return (
    <section>
      <h2>{t('listings.saved.alerts')}</h2>
      {error ? (
        <LoadError error={error} onRetry={load} />
      ) : !alerts ? (
        <Loading />
      ) : !alerts.length ? (
        <Empty>{t('listings.saved.noAlerts')}</Empty>
      ) : (
        <ul className="alerts" data-testid="alerts">
          {alerts.map((a) => {
            const name = names.get(a.saved_search_id);
            return (
              <li key={a.id} data-testid="alert">
                {!a.read && <span className="badge">{t('listings.saved.new')}</span>}{' '}
                <Link to={`/listings/${a.listing_id}`}>{listings[a.listing_id]?.title ?? `#${a.listing_id}`}</Link>{' '}
                <strong className="listing-price-inline">{formatWan(a.price_fen, 'zh-CN')}</strong>{' '}
                {name && <span className="muted">{t('listings.saved.alertFor', { name })}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
