import { useState } from 'react';
import { Empty, LoadError, LoadMore, Loading, Notice } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { useCursorList } from '../../../hooks/use-cursor-list';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import { getWatchlist, watch, type Listing } from '../api/listings';
import { ListingCard } from './ListingCard';

export function WatchlistPage() {
  const { t } = useI18n();
  useDocumentTitle(t('listings.watchlist.title'));
  const list = useCursorList<Listing>((cursor, signal) => getWatchlist(cursor, signal), []);
  const [removed, setRemoved] = useState(false);
  const remove = useMutation(async (id: number) => {
    await watch(id, false);
    list.setItems((items) => items.filter((l) => l.id !== id));
    setRemoved(true);
  });
  return (
    <div className="page wide">
      <h1>{t('listings.watchlist.title')}</h1>
      <FormError error={remove.error} />
      {removed && <Notice>{t('listings.watchlist.removed')}</Notice>}
      {list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : list.loading && !list.items.length ? (
        <Loading />
      ) : !list.items.length ? (
        <Empty>{t('listings.watchlist.empty')}</Empty>
      ) : (
        <ul className="listing-cards" data-testid="watchlist">
          {list.items.map((l) => (
            <ListingCard
              key={l.id}
              car={{
                id: l.id,
                title: l.title,
                year: l.vehicle.model_year,
                mileage_km: l.vehicle.mileage_km,
                city: l.location_city,
                price_fen: l.price_fen,
                thumb_url: l.photos[0]?.thumb_url ?? l.photos[0]?.url ?? null,
              }}
              badge={l.status !== 'published' && <span className="badge"> {t(`listings.status.${l.status}`)}</span>}
            >
              <button
                type="button"
                className="btn btn-ghost btn-small"
                disabled={remove.pending}
                onClick={() => void remove.run(l.id)}
                data-testid="watch-remove"
              >
                {t('listings.card.remove')}
              </button>
            </ListingCard>
          ))}
        </ul>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
    </div>
  );
}
