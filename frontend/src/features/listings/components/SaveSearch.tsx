import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { Notice } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import { useSession } from '../../../lib/session';
import { saveSearch } from '../api/listings';
import { isEmptySearch, toSavedQuery } from '../lib/saved-search';
import type { SearchState } from '../lib/search-params';
import { useLabels } from './labels';

/** "Save this search" on the search page: the current URL's filters become a saved search with alerts. */
export function SaveSearch({ state }: { state: SearchState }) {
  const { t } = useI18n();
  const label = useLabels();
  const session = useSession();
  const here = useLocation();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [savedName, setSavedName] = useState<string | null>(null);
  const save = useMutation(async (n: string) => saveSearch(n, toSavedQuery(state)));
  if (session.status !== 'authenticated') {
    return session.status === 'anonymous' ? (
      <p className="save-search muted">
        <Link to={`/login?next=${encodeURIComponent(here.pathname + here.search)}`}>{t('listings.saved.loginToSave')}</Link>
      </p>
    ) : null;
  }
  const empty = isEmptySearch(state);
  const suggested = () => {
    const parts = [state.q.trim(), ...Object.entries(state.lists).flatMap(([f, vs]) => vs.map((v) => label(f, v)))];
    return parts.filter(Boolean).join(' · ').slice(0, 100);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return;
    if ((await save.run(n)).ok) {
      setSavedName(n);
      setOpen(false);
    }
  };
  return (
    <div className="save-search">
      {!open && (
        <button
          type="button"
          className="btn"
          data-testid="save-search"
          disabled={empty}
          title={empty ? t('listings.saved.nothingToSave') : undefined}
          onClick={() => {
            setName(suggested());
            setSavedName(null);
            save.reset();
            setOpen(true);
          }}
        >
          ☆ {t('listings.saved.save')}
        </button>
      )}
      {open && (
        <form onSubmit={submit} className="save-search-form">
          <label>
            {t('listings.saved.name')}{' '}
            <input
              value={name}
              maxLength={100}
              required
              autoFocus
              onChange={(e) => setName(e.target.value)}
              data-testid="save-search-name"
            />
          </label>
          <button type="submit" className="btn btn-primary" disabled={save.pending || !name.trim()} data-testid="save-search-confirm">
            {t('listings.saved.confirm')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)}>
            {t('listings.saved.cancel')}
          </button>
        </form>
      )}
      <FormError error={save.error} />
      {savedName && (
        <Notice>
          {t('listings.saved.saved')} <Link to="/me/searches">{t('listings.saved.see')}</Link>
        </Notice>
      )}
    </div>
  );
}
