import { useState, type FormEvent } from 'react';
import { ScopeBadges } from '../../../components/badges';
import { Empty, LoadError, LoadMore, Loading } from '../../../components/feedback';
import { CheckboxGroup, FormError, SubmitButton, TextField } from '../../../components/form';
import { errorMessage, serverFieldErrors } from '../../../lib/errors';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useCursorList } from '../../../hooks/use-cursor-list';
import { useMutation } from '../../../hooks/use-mutation';
import { TOKEN_SCOPES, type ApiToken, type CreatedApiToken } from '../../../types/api';
import { createToken, listTokens, revokeToken } from '../api/tokens';

/** Personal API tokens: list, create (secret shown once), revoke. */
export function TokensSection() {
  const i18n = useI18n();
  const { t, tDynamic, locale } = i18n;
  const list = useCursorList((cursor, signal) => listTokens(cursor, signal), []);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['read']);
  const [errors, setErrors] = useState<{ name?: string; scopes?: string }>({});
  const [fresh, setFresh] = useState<CreatedApiToken | null>(null);
  const [copied, setCopied] = useState(false);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [revokeError, setRevokeError] = useState<unknown>(null);
  const create = useMutation(createToken);
  const server = serverFieldErrors(create.error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const next: typeof errors = {};
    if (!name.trim()) next.name = t('validation.required');
    if (scopes.length === 0) next.scopes = t('validation.pickOne');
    setErrors(next);
    if (Object.keys(next).length) return;
    const res = await create.run({ name: name.trim(), scopes });
    if (res.ok) {
      const { token: _secret, ...meta } = res.value;
      list.setItems((items) => [meta, ...items]);
      setFresh(res.value);
      setCopied(false);
      setName('');
    }
  }

  async function revoke(token: ApiToken) {
    setRevokeError(null);
    try {
      await revokeToken(token.id);
      const now = new Date().toISOString();
      list.setItems((items) => items.map((x) => (x.id === token.id ? { ...x, revoked_at: x.revoked_at ?? now } : x)));
      setConfirming(null);
    } catch (e) {
      setRevokeError(e);
    }
  }

  async function copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  return (
    <div>
      {fresh && (
        <div className="alert alert-warning token-once" role="status" data-testid="new-token">
          <p>
            <strong>{t('tokens.createdTitle', { name: fresh.name })}</strong> {t('tokens.shownOnce')}
          </p>
          <p className="token-secret">
            <code data-testid="new-token-value">{fresh.token}</code>
          </p>
          <div className="row-actions">
            <button type="button" className="btn btn-small" onClick={() => copy(fresh.token)}>
              {copied ? t('tokens.copied') : t('tokens.copy')}
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setFresh(null)}>
              {t('tokens.dismiss')}
            </button>
          </div>
        </div>
      )}

      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      {revokeError ? (
        <div className="alert alert-error" role="alert">
          {errorMessage(revokeError, i18n)}
        </div>
      ) : null}
      {list.loading && list.items.length === 0 ? (
        <Loading />
      ) : list.items.length === 0 && !list.error ? (
        <Empty>{t('tokens.none')}</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('tokens.name')}</th>
                <th scope="col">{t('tokens.scopes')}</th>
                <th scope="col">{t('tokens.created')}</th>
                <th scope="col">{t('tokens.lastUsed')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">
                  <span className="sr-only">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((tok) => (
                <tr key={tok.id} data-testid={`token-row-${tok.id}`}>
                  <td>{tok.name}</td>
                  <td>
                    <ScopeBadges scopes={tok.scopes} />
                  </td>
                  <td>{formatDateTime(tok.created_at, locale)}</td>
                  <td>{tok.last_used_at ? formatDateTime(tok.last_used_at, locale) : t('tokens.never')}</td>
                  <td>
                    {tok.revoked_at ? (
                      <span className="badge badge-cancelled">{t('tokens.revoked')}</span>
                    ) : (
                      <span className="badge badge-verified">{t('tokens.active')}</span>
                    )}
                  </td>
                  <td className="row-actions">
                    {!tok.revoked_at &&
                      (confirming === tok.id ? (
                        <>
                          <button type="button" className="btn btn-small btn-danger" onClick={() => revoke(tok)}>
                            {t('tokens.confirmRevoke')}
                          </button>
                          <button type="button" className="btn btn-small btn-ghost" onClick={() => setConfirming(null)}>
                            {t('common.back')}
                          </button>
                        </>
                      ) : (
                        <button type="button" className="btn btn-small" onClick={() => setConfirming(tok.id)}>
                          {t('tokens.revoke')}
                        </button>
                      ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />

      <div className="inline-form">
        <h5>{t('tokens.new')}</h5>
        <form className="form" onSubmit={submit} noValidate>
          <TextField
            label={t('tokens.name')}
            name="token_name"
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={errors.name ?? server.name}
          />
          <CheckboxGroup
            legend={t('tokens.scopes')}
            name="scopes"
            options={TOKEN_SCOPES.map((s) => ({ value: s, label: tDynamic(`scope.${s}`, s) }))}
            value={scopes}
            onChange={setScopes}
            error={errors.scopes ?? server.scopes}
          />
          <FormError error={create.error} fields={['name', 'scopes']} />
          <SubmitButton pending={create.pending}>{t('tokens.create')}</SubmitButton>
        </form>
      </div>
    </div>
  );
}
