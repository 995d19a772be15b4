/** Route components of the listings feature (mounted by app/router.tsx). */
import { useParams, useSearchParams } from 'react-router';
import { ConditionEditor } from './components/ConditionEditor';
import { InventoryPage } from './components/InventoryPage';
import { ListingDetail } from './components/ListingDetail';
import { ListingForm } from './components/ListingForm';
import { DealerOffersPage, ListingOffersPage, MyOffersPage } from './components/OffersPages';
import { SavedSearchesPage } from './components/SavedSearchesPage';
import { SearchPage } from './components/SearchPage';
import { WatchlistPage } from './components/WatchlistPage';
import './listings.css';

export function ListingsSearchRoute() {
  return <SearchPage />;
}

export function ListingDetailRoute() {
  const { id } = useParams();
  return <ListingDetail id={Number(id)} />;
}

export function InventoryRoute() {
  return <InventoryPage />;
}

export function NewListingRoute() {
  const [params] = useSearchParams();
  return <ListingForm orgId={Number(params.get('org')) || null} listingId={null} />;
}

export function EditListingRoute() {
  const { id } = useParams();
  return <ListingForm orgId={null} listingId={Number(id)} />;
}

export function WatchlistRoute() {
  return <WatchlistPage />;
}

export function SavedSearchesRoute() {
  return <SavedSearchesPage />;
}

export function MyOffersRoute() {
  return <MyOffersPage />;
}

export function DealerOffersRoute() {
  return <DealerOffersPage />;
}

export function ListingOffersRoute() {
  const { id } = useParams();
  return <ListingOffersPage id={Number(id)} />;
}

export function ConditionRoute() {
  const { id } = useParams();
  return <ConditionEditor id={Number(id)} />;
}
