import { useEffect, useMemo, useState } from 'react';
import { LoadError, Loading } from '../../../components/feedback';
import { TextField } from '../../../components/form';
import { useI18n } from '../../../lib/i18n';
import { getOpenApi } from '../api/get-openapi';
import {
  groupOperations,
  referencedSchemas,
  resolveSchema,
  schemaLabel,
  type OpenApiDocument,
  type OperationEntry,
  type Schema,
} from '../utils/openapi';

const anchor = (kind: string, name: string) => `${kind}-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`;

/** API reference rendered from the backend's `/openapi.json`. */
export function ApiReference() {
  const { t } = useI18n();
  const [doc, setDoc] = useState<OpenApiDocument | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [filter, setFilter] = useState('');

  useEffect(() => {
    const ac = new AbortController();
    setError(null);
    getOpenApi(ac.signal).then(setDoc, (e: unknown) => {
      if (!ac.signal.aborted) setError(e);
    });
    return () => ac.abort();
  }, [attempt]);

  // Links to "#schema-X" should open the (collapsed) <details> they point at.
  useEffect(() => {
    if (!doc) return;
    const openTarget = () => {
      const id = decodeURIComponent(window.location.hash.slice(1));
      const el = id ? document.getElementById(id) : null;
      if (el instanceof HTMLDetailsElement) el.open = true;
    };
    openTarget();
    window.addEventListener('hashchange', openTarget);
    return () => window.removeEventListener('hashchange', openTarget);
  }, [doc]);

  const groups = useMemo(() => (doc ? groupOperations(doc) : []), [doc]);
  const visible = useMemo(() => {
    const q = filter.trim().toLowerCase();
    if (!q) return groups;
    return groups
      .map((g) => ({
        ...g,
        operations: g.operations.filter((o) =>
          [o.method, o.path, o.operation.summary ?? '', o.operation.operationId ?? '', g.tag].some((s) => s.toLowerCase().includes(q)),
        ),
      }))
      .filter((g) => g.operations.length > 0);
  }, [groups, filter]);

  if (error) return <LoadError error={error} onRetry={() => setAttempt((a) => a + 1)} />;
  if (!doc) return <Loading />;

  const schemas = Object.entries(doc.components?.schemas ?? {});
  const opCount = groups.reduce((n, g) => n + g.operations.length, 0);

  return (
    <div className="apidocs">
      <header className="apidocs-head">
        <p className="muted">
          {doc.info.title} · <code>v{doc.info.version}</code> · OpenAPI {doc.openapi} ·{' '}
          {t('docs.operationCount', { count: opCount })} ·{' '}
          <a href="/openapi.json" target="_blank" rel="noreferrer">
            openapi.json
          </a>
        </p>
        {doc.info.description && <p className="pre-line">{doc.info.description}</p>}
      </header>

      <div className="apidocs-layout">
        <nav className="apidocs-toc" aria-label={t('docs.contents')}>
          <TextField label={t('docs.filter')} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
          <ul>
            {visible.map((g) => (
              <li key={g.tag}>
                <a href={`#${anchor('tag', g.tag)}`}>{g.tag}</a> <span className="muted small">({g.operations.length})</span>
              </li>
            ))}
            {schemas.length > 0 && (
              <li>
                <a href="#schemas">{t('docs.schemas')}</a> <span className="muted small">({schemas.length})</span>
              </li>
            )}
          </ul>
        </nav>

        <div className="apidocs-main">
          {visible.length === 0 && <p className="empty">{t('docs.noMatch')}</p>}
          {visible.map((g) => (
            <section key={g.tag} id={anchor('tag', g.tag)} className="tag-group" aria-labelledby={`${anchor('tag', g.tag)}-h`}>
              <h2 id={`${anchor('tag', g.tag)}-h`}>{g.tag}</h2>
              {g.description && <p className="muted">{g.description}</p>}
              {g.operations.map((o) => (
                <OperationItem key={`${o.method} ${o.path}`} doc={doc} entry={o} />
              ))}
            </section>
          ))}

          {schemas.length > 0 && (
            <section id="schemas" className="tag-group" aria-labelledby="schemas-h">
              <h2 id="schemas-h">{t('docs.schemas')}</h2>
              {schemas.map(([name, schema]) => (
                <details key={name} id={anchor('schema', name)} className="schema-item">
                  <summary>
                    <code>{name}</code>
                  </summary>
                  <SchemaJson schema={schema} />
                </details>
              ))}
            </section>
          )}
        </div>
      </div>
    </div>
  );
}

function OperationItem({ doc, entry }: { doc: OpenApiDocument; entry: OperationEntry }) {
  const { t } = useI18n();
  const { method, path, operation: op, parameters } = entry;
  const body = op.requestBody?.content ?? {};
  const responses = Object.entries(op.responses ?? {});
  return (
    <details className={`op op-${method}${op.deprecated ? ' op-deprecated' : ''}`} id={anchor('op', entry.key)}>
      <summary>
        <span className={`method method-${method}`}>{method.toUpperCase()}</span>
        <code className="op-path">{path}</code>
        <span className="op-summary">{op.summary ?? op.operationId ?? ''}</span>
      </summary>
      <div className="op-body">
        {op.description && <p className="pre-line">{op.description}</p>}
        {op.operationId && (
          <p className="small muted">
            operationId: <code>{op.operationId}</code>
          </p>
        )}

        {parameters.length > 0 && (
          <>
            <h4>{t('docs.parameters')}</h4>
            <table className="sub-table">
              <thead>
                <tr>
                  <th scope="col">{t('docs.name')}</th>
                  <th scope="col">{t('docs.in')}</th>
                  <th scope="col">{t('docs.type')}</th>
                  <th scope="col">{t('docs.required')}</th>
                  <th scope="col">{t('docs.description')}</th>
                </tr>
              </thead>
              <tbody>
                {parameters.map((p) => (
                  <tr key={`${p.in}:${p.name}`}>
                    <td>
                      <code>{p.name}</code>
                    </td>
                    <td>{p.in}</td>
                    <td>
                      <code>{schemaLabel(p.schema)}</code>
                    </td>
                    <td>{p.required ? t('common.yes') : t('common.no')}</td>
                    <td>{p.description ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}

        {Object.keys(body).length > 0 && (
          <>
            <h4>
              {t('docs.requestBody')}
              {op.requestBody?.required ? '' : ` (${t('docs.optional')})`}
            </h4>
            {Object.entries(body).map(([type, media]) => (
              <div key={type} className="media">
                <span className="small muted">{type}</span> <SchemaRef doc={doc} schema={media.schema} />
              </div>
            ))}
          </>
        )}

        {responses.length > 0 && (
          <>
            <h4>{t('docs.responses')}</h4>
            <table className="sub-table">
              <thead>
                <tr>
                  <th scope="col">{t('docs.status')}</th>
                  <th scope="col">{t('docs.description')}</th>
                  <th scope="col">{t('docs.schema')}</th>
                </tr>
              </thead>
              <tbody>
                {responses.map(([status, res]) => (
                  <tr key={status}>
                    <td>
                      <code className={`status-code status-${status[0]}xx`}>{status}</code>
                    </td>
                    <td>{res.description ?? ''}</td>
                    <td>
                      {Object.entries(res.content ?? {}).map(([type, media]) => (
                        <div key={type}>
                          <SchemaRef doc={doc} schema={media.schema} />
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>
    </details>
  );
}

/** Schema name, expandable to its JSON (with links to referenced component schemas). */
function SchemaRef({ doc, schema }: { doc: OpenApiDocument; schema: Schema | undefined }) {
  if (!schema) return <span className="muted">—</span>;
  const resolved = resolveSchema(doc, schema) ?? schema;
  return (
    <details className="schema-ref">
      <summary>
        <code>{schemaLabel(schema)}</code>
      </summary>
      <SchemaJson schema={resolved} />
    </details>
  );
}

function SchemaJson({ schema }: { schema: Schema }) {
  const { t } = useI18n();
  const refs = [...referencedSchemas(schema)];
  return (
    <div>
      <pre className="json">{JSON.stringify(schema, null, 2)}</pre>
      {refs.length > 0 && (
        <p className="small">
          {t('docs.references')}:{' '}
          {refs.map((r, i) => (
            <span key={r}>
              {i > 0 && ', '}
              <a href={`#${anchor('schema', r)}`}>{r}</a>
            </span>
          ))}
        </p>
      )}
    </div>
  );
}
