import { Empty, LoadError, LoadMore, Loading } from '../../../components/feedback';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useCursorList } from '../../../hooks/use-cursor-list';
import { listAudit } from '../api/admin';
import { auditAction, auditDetails, auditTarget } from '../lib/audit-words';

export function AuditLog() {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const list = useCursorList((cursor, signal) => listAudit(cursor, signal), []);
  return (
    <div>
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      {list.loading && list.items.length === 0 ? (
        <Loading />
      ) : list.items.length === 0 && !list.error ? (
        <Empty>{t('audit.none')}</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('audit.at')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.target')}</th>
                <th scope="col">{t('audit.details')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((a) => (
                <tr key={a.id} data-testid={`audit-row-${a.id}`}>
                  <td className="small nowrap">{formatDateTime(a.at, locale)}</td>
                  <td className="num">{a.actor_user_id ?? '—'}</td>
                  <td data-testid="audit-action">{auditAction(a.action, i18n)}</td>
                  <td>{auditTarget(a.target, i18n)}</td>
                  <td>
                    {!a.details || !Object.keys(a.details).length ? (
                      '—'
                    ) : (
                      <dl className="audit-details small">
                        {auditDetails(a.details as Record<string, unknown>, i18n).map(([k, v]) => (
                          <div key={k}>
                            <dt>{k}</dt> <dd>{v}</dd>
                          </div>
                        ))}
                      </dl>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
    </div>
  );
}
