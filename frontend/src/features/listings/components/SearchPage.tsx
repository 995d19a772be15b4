import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Empty, LoadError, Loading, Notice } from '../../../components/feedback';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { searchListings, type SearchHit, type SearchResult } from '../api/listings';
import { MoneyInput } from '../../../components/money-input';
import { fenToInput, parseMoney } from '../../../lib/money-input';
import { EMPTY, LIST_FILTERS, parseSearch, SORTS, toggle, toQuery, type SearchState } from '../lib/search-params';
import { searchProblems } from '../lib/search-problems';
import { useLabels } from './labels';
import { ListingCard } from './ListingCard';
import { SaveSearch } from './SaveSearch';

export function SearchPage() {
  const { t, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const state = parseSearch(params);
  const key = new URLSearchParams(toQuery(state)).toString();
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState(state.q);
  // On a phone the filters live in a drawer so the results come first (docs/ui.md).
  const [drawer, setDrawer] = useState(false);
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

  const go = (next: SearchState) => {
    setText(next.q);
    setParams(new URLSearchParams(toQuery(next)));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = { ...state, q: text, page: 1 };
    if (new URLSearchParams(toQuery(next)).toString() === key) setAttempt((n) => n + 1);
    else go(next);
  };
  const closeDrawer = useCallback(() => setDrawer(false), []);
  const pages = result ? Math.max(1, Math.ceil(result.total / result.per_page)) : 1;
  const problems = searchProblems(error, state, locale);
  const active = activeFilters(state);
  const fieldErrors = Object.fromEntries(problems.map((p) => [p.field, p.message]));

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
      <div className="search-layout">
        <section aria-live="polite" className="search-results">
          <div className="results-head">
            <strong data-testid="search-total">{result ? t('listings.search.results', { total: result.total }) : ''}</strong>
            <button
              type="button"
              className="btn filters-toggle"
              aria-expanded={drawer}
              aria-controls="search-filters"
              onClick={() => setDrawer(true)}
              data-testid="filters-open"
            >
              {active ? t('listings.search.filtersCount', { n: active }) : t('listings.search.filters')}
            </button>
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
          {problems.length ? (
            <div className="alert alert-error" role="alert" data-testid="search-problems">
              <p>{t('listings.search.refused')}</p>
              <ul>
                {problems.map((p) => (
                  <li key={p.field} data-testid="search-problem">
                    {p.label ? t('issue.withField', { field: t(p.label), message: p.message }) : p.message}{' '}
                    <button type="button" className="btn btn-ghost" onClick={() => go(p.fix)} data-testid="search-problem-fix">
                      {p.fixKind === 'firstPage' ? t('listings.search.firstPage') : t('listings.search.removeFilter')}
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ) : error ? (
            <LoadError error={error} onRetry={() => go({ ...state })} />
          ) : !result ? (
            <Loading />
          ) : result.hits.length === 0 && result.total > 0 && state.page > 1 ? (
            <Notice tone="warning">
              <span data-testid="search-past-end">{t('listings.search.pastEnd', { page: state.page, pages })}</span>{' '}
              <button type="button" className="btn" onClick={() => go({ ...state, page: pages })} data-testid="search-last-page">
                {t('listings.search.lastPage')}
              </button>{' '}
              <button type="button" className="btn btn-ghost" onClick={() => go({ ...state, page: 1 })}>
                {t('listings.search.firstPage')}
              </button>
            </Notice>
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
          <SaveSearch state={state} />
        </section>
        <Filters
          state={state}
          result={result}
          errors={fieldErrors}
          open={drawer}
          onClose={closeDrawer}
          onChange={go}
        />
      </div>
    </div>
  );
}

/** How many filters the buyer has set (the drawer's button says so). */
function activeFilters(state: SearchState): number {
  const lists = Object.values(state.lists).reduce((n, values) => n + (values?.length ?? 0), 0);
  return lists + Object.values(state.ranges).filter((v) => v !== undefined).length + (state.noAccident ? 1 : 0);
}

function Card({ hit }: { hit: SearchHit }) {
  return <ListingCard car={hit} />;
}

const RANGE_FIELD = {
  yearMin: 'year_min',
  yearMax: 'year_max',
  priceMin: 'price_min_fen',
  priceMax: 'price_max_fen',
  mileageMax: 'mileage_max_km',
} as const;

function rangeTexts(state: SearchState) {
  return {
    yearMin: state.ranges.year_min?.toString() ?? '',
    yearMax: state.ranges.year_max?.toString() ?? '',
    priceMin: fenToInput(state.ranges.price_min_fen, 'wan'),
    priceMax: fenToInput(state.ranges.price_max_fen, 'wan'),
    mileageMax: state.ranges.mileage_max_km?.toString() ?? '',
  };
}

function Filters({
  state,
  result,
  errors,
  open,
  onClose,
  onChange,
}: {
  state: SearchState;
  result: SearchResult | null;
  /** A refused filter's message by API field (year_min …), shown at its input. */
  errors: Record<string, string>;
  /** The drawer is open (phones; on a wide screen the filters are a sidebar and this does nothing). */
  open: boolean;
  onClose: () => void;
  onChange: (s: SearchState) => void;
}) {
  const { t } = useI18n();
  const label = useLabels();
  const [ranges, setRanges] = useState(() => rangeTexts(state));
  const rangeKey = JSON.stringify(state.ranges);
  // The URL is the truth: a filter removed elsewhere (a chip, "search without it") empties its input too.
  useEffect(() => setRanges(rangeTexts(state)), [rangeKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const closeButton = useRef<HTMLButtonElement>(null);
  // An open drawer takes the focus and closes on Escape, as a dialog does.
  useEffect(() => {
    if (!open) return;
    closeButton.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, onClose]);
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
  const numberInput = (name: 'yearMin' | 'yearMax' | 'mileageMax', key: MessageKey) => {
    const error = errors[RANGE_FIELD[name]];
    return (
      <label key={name} className={`range-input${error ? ' field-invalid' : ''}`}>
        {t(key)}
        <input
          inputMode="numeric"
          value={ranges[name]}
          data-testid={`range-${name}`}
          aria-invalid={error ? true : undefined}
          onChange={(e) => setRanges({ ...ranges, [name]: e.target.value })}
        />
        {error && <span className="field-error">{error}</span>}
      </label>
    );
  };
  return (
    <aside
      id="search-filters"
      className={`search-filters${open ? ' open' : ''}`}
      aria-label={t('listings.search.filters')}
      data-testid="search-filters"
    >
      <div className="drawer-head">
        <h2>{t('listings.search.filters')}</h2>
        <button type="button" className="btn btn-ghost" onClick={onClose} ref={closeButton} data-testid="filters-close">
          {t('common.close')}
        </button>
      </div>
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
        {numberInput('yearMin', 'listings.search.yearFrom')}
        {numberInput('yearMax', 'listings.search.yearTo')}
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
            error={errors[RANGE_FIELD[name]]}
            data-testid={`range-${name}`}
            onValueChange={(v) => setRanges({ ...ranges, [name]: v })}
          />
        ))}
        {numberInput('mileageMax', 'listings.search.mileageMax')}
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
      <div className="drawer-foot">
        <button type="button" className="btn btn-primary" onClick={onClose} data-testid="filters-done">
          {result ? t('listings.search.showResults', { total: result.total }) : t('common.close')}
        </button>
      </div>
    </aside>
  );
}
