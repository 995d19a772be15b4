import { Empty, LoadError, LoadMore, Loading } from '../../../components/feedback';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useCursorList } from '../../../hooks/use-cursor-list';
import { listPenalties } from '../api/organisations';

export function PenaltiesSection({ orgId }: { orgId: number }) {
  const { t, locale } = useI18n();
  const list = useCursorList((cursor, signal) => listPenalties(orgId, cursor, signal), [orgId]);
  return (
    <section className="subsection" aria-labelledby={`penalties-${orgId}`}>
      <h4 id={`penalties-${orgId}`}>{t('penalties.title')}</h4>
      {list.error ? <LoadError error={list.error} onRetry={list.reload} /> : null}
      {list.loading && list.items.length === 0 ? (
        <Loading />
      ) : list.items.length === 0 && !list.error ? (
        <Empty>{t('penalties.none')}</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('penalties.date')}</th>
                <th scope="col">{t('penalties.points')}</th>
                <th scope="col">{t('penalties.reason')}</th>
                <th scope="col">{t('penalties.evidence')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((p) => (
                <tr key={p.id}>
                  <td>{formatDateTime(p.created_at, locale)}</td>
                  <td className="num">{p.points}</td>
                  <td>{p.reason}</td>
                  <td>{p.evidence}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
    </section>
  );
}
