import '../listings.css';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../../../lib/i18n';
import { useMoney } from '../../../hooks/use-money';

export interface CardData {
  id: number;
  title: string;
  year: number | null;
  mileage_km: number;
  city: string;
  price_fen: number;
  thumb_url: string | null;
}

/** A car as a card: on the search results and the watchlist. `children` go below the link (e.g. a remove button). */
export function ListingCard({ car, badge, children }: { car: CardData; badge?: ReactNode; children?: ReactNode }) {
  const { t, locale } = useI18n();
  const { money } = useMoney();
  return (
    <li className="listing-card" data-testid="listing-card">
      <Link to={`/listings/${car.id}`}>
        <div className="listing-thumb">
          {car.thumb_url ? <img src={car.thumb_url} alt="" loading="lazy" /> : <NoPhoto />}
        </div>
        <div className="listing-body">
          <h3>{car.title}</h3>
          <p className="listing-meta">
            {[car.year, t('listings.card.km', { km: car.mileage_km.toLocaleString(locale) }), car.city]
              .filter(Boolean)
              .join(' · ')}
          </p>
          <p className="listing-price" data-testid="listing-price">
            {money(car.price_fen)}
            {badge}
          </p>
        </div>
      </Link>
      {children && <div className="listing-card-actions">{children}</div>}
    </li>
  );
}

/** A drawn car where there is no photo yet (an emoji needs a font the phone may not have). */
function NoPhoto() {
  return (
    <svg className="no-photo" viewBox="0 0 64 32" width="64" height="32" aria-hidden="true">
      <path
        d="M6 22 L9 14 Q11 10 16 10 L40 10 Q45 10 49 14 L54 18 Q60 19 60 23 L60 25 L4 25 L4 23 Q4 22 6 22 Z"
        fill="currentColor"
      />
      <circle cx="16" cy="25" r="5" fill="#fff" stroke="currentColor" strokeWidth="2.5" />
      <circle cx="48" cy="25" r="5" fill="#fff" stroke="currentColor" strokeWidth="2.5" />
    </svg>
  );
}
