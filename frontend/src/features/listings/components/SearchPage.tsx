import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Empty, LoadError, Loading } from '../../../components/feedback';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useI18n } from '../../../lib/i18n';
import { searchListings, type SearchHit, type SearchResult } from '../api/listings';
import { MoneyInput } from '../../../components/money-input';
import { fenToInput, parseMoney } from '../../../lib/money-input';
import { EMPTY, LIST_FILTERS, parseSearch, SORTS, toggle, toQuery, type SearchState } from '../lib/search-params';
import { useLabels } from './labels';
import { ListingCard } from './ListingCard';
import { SaveSearch } from './SaveSearch';

export function SearchPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const state = parseSearch(params);
  const key = new URLSearchParams(toQuery(state)).toString();
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState(state.q);
  // Pressing Search again on an unchanged query must still fetch: a car published meanwhile should
  // appear, and the URL (the effect's key) does not change.
  const [attempt, setAttempt] = useState(0);
  useDocumentTitle(t('listings.search.title'));

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    searchListings(toQuery(state), controller.signal)
      .then(setResult)
      .catch((e: unknown) => {
        if (!(e instanceof DOMException && e.name === 'AbortError')) setError(e);
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, attempt]);

  const go = (next: SearchState) => setParams(new URLSearchParams(toQuery(next)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = { ...state, q: text, page: 1 };
    if (new URLSearchParams(toQuery(next)).toString() === key) setAttempt((n) => n + 1);
    else go(next);
  };
  const pages = result ? Math.max(1, Math.ceil(result.total / result.per_page)) : 1;

  return (
    <div className="page wide listings-search">
      <h1>{t('listings.search.title')}</h1>
      <form className="search-bar" role="search" onSubmit={submit}>
        <input
          type="search"
          aria-label={t('listings.search.title')}
          placeholder={t('listings.search.placeholder')}
          value={text}
          maxLength={100}
          onChange={(e) => setText(e.target.value)}
          data-testid="search-input"
        />
        <button type="submit" className="btn btn-primary" data-testid="search-submit">
          {t('listings.search.submit')}
        </button>
      </form>
      <SaveSearch state={state} />
      <div className="search-layout">
        <Filters state={state} result={result} onChange={go} />
        <section aria-live="polite" className="search-results">
          <div className="results-head">
            <strong data-testid="search-total">{result ? t('listings.search.results', { total: result.total }) : ''}</strong>
            <label>
              {t('listings.sort')}{' '}
              <select
                value={state.sort}
                data-testid="search-sort"
                onChange={(e) => go({ ...state, sort: e.target.value as SearchState['sort'], page: 1 })}
              >
                {SORTS.map((s) => (
                  <option key={s} value={s}>
                    {t(`listings.sort.${s}`)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {error ? (
            <LoadError error={error} onRetry={() => go({ ...state })} />
          ) : !result ? (
            <Loading />
          ) : result.hits.length === 0 ? (
            <Empty>{t('listings.search.empty')}</Empty>
          ) : (
            <>
              <ul className="listing-cards">
                {result.hits.map((hit) => (
                  <Card key={hit.id} hit={hit} />
                ))}
              </ul>
              {pages > 1 && (
                <nav className="pager" aria-label="pages">
                  <button className="btn" disabled={state.page <= 1} onClick={() => go({ ...state, page: state.page - 1 })}>
                    {t('listings.search.prev')}
                  </button>
                  <span>{t('listings.search.page', { page: state.page, pages })}</span>
                  <button className="btn" disabled={state.page >= pages} onClick={() => go({ ...state, page: state.page + 1 })}>
                    {t('listings.search.next')}
                  </button>
                </nav>
              )}
            </>
          )}
        </section>
      </div>
    </div>
  );
}

function Card({ hit }: { hit: SearchHit }) {
  return <ListingCard car={hit} />;
}

function Filters({
  state,
  result,
  onChange,
}: {
  state: SearchState;
  result: SearchResult | null;
  onChange: (s: SearchState) => void;
}) {
  const { t } = useI18n();
  const label = useLabels();
  const [ranges, setRanges] = useState({
    yearMin: state.ranges.year_min?.toString() ?? '',
    yearMax: state.ranges.year_max?.toString() ?? '',
    priceMin: fenToInput(state.ranges.price_min_fen, 'wan'),
    priceMax: fenToInput(state.ranges.price_max_fen, 'wan'),
    mileageMax: state.ranges.mileage_max_km?.toString() ?? '',
  });
  const num = (v: string) => (/^\d+$/.test(v.trim()) ? Number(v.trim()) : undefined);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    onChange({
      ...state,
      page: 1,
      ranges: {
        year_min: num(ranges.yearMin),
        year_max: num(ranges.yearMax),
        price_min_fen: parseMoney(ranges.priceMin, 'wan'),
        price_max_fen: parseMoney(ranges.priceMax, 'wan'),
        mileage_max_km: num(ranges.mileageMax),
      },
    });
  };
  return (
    <aside className="search-filters" aria-label="filters">
      {LIST_FILTERS.map((field) => {
        const values = result?.facets[field] ?? [];
        const chosen = state.lists[field] ?? [];
        const shown = [...values.map((v) => v.value), ...chosen.filter((c) => !values.some((v) => v.value === c))];
        if (!shown.length) return null;
        return (
          <fieldset key={field} className="facet" data-testid={`facet-${field}`}>
            <legend>{t(`listings.facet.${field}`)}</legend>
            {shown.slice(0, 12).map((value) => {
              const count = values.find((v) => v.value === value)?.count ?? 0;
              return (
                <label key={value} className="facet-option">
                  <input
                    type="checkbox"
                    checked={chosen.includes(value)}
                    onChange={() => onChange(toggle(state, field, value))}
                  />{' '}
                  {label(field, value)} <span className="facet-count">({count})</span>
                </label>
              );
            })}
          </fieldset>
        );
      })}
      <form className="facet" onSubmit={apply}>
        {(
          [
            ['yearMin', 'listings.search.yearFrom'],
            ['yearMax', 'listings.search.yearTo'],
          ] as const
        ).map(([name, key]) => (
          <label key={name} className="range-input">
            {t(key)}
            <input
              inputMode="numeric"
              value={ranges[name]}
              data-testid={`range-${name}`}
              onChange={(e) => setRanges({ ...ranges, [name]: e.target.value })}
            />
          </label>
        ))}
        {(
          [
            ['priceMin', 'listings.search.priceFrom'],
            ['priceMax', 'listings.search.priceTo'],
          ] as const
        ).map(([name, key]) => (
          <MoneyInput
            key={name}
            layout="inline"
            label={t(key)}
            unit="wan"
            value={ranges[name]}
            data-testid={`range-${name}`}
            onValueChange={(v) => setRanges({ ...ranges, [name]: v })}
          />
        ))}
        {(
          [
            ['mileageMax', 'listings.search.mileageMax'],
          ] as const
        ).map(([name, key]) => (
          <label key={name} className="range-input">
            {t(key)}
            <input
              inputMode="decimal"
              value={ranges[name]}
              data-testid={`range-${name}`}
              onChange={(e) => setRanges({ ...ranges, [name]: e.target.value })}
            />
          </label>
        ))}
        <label className="facet-option">
          <input
            type="checkbox"
            checked={state.noAccident}
            onChange={() => onChange({ ...state, noAccident: !state.noAccident, page: 1 })}
          />{' '}
          {t('listings.search.noAccident')}
        </label>
        <button type="submit" className="btn" data-testid="range-apply">
          {t('listings.search.apply')}
        </button>
      </form>
      <button type="button" className="btn btn-ghost" onClick={() => onChange({ ...EMPTY, q: state.q })}>
        {t('listings.search.clear')}
      </button>
    </aside>
  );
}
