/** Route components of the listings feature (mounted by app/router.tsx). */
import { useParams, useSearchParams } from 'react-router';
import { InventoryPage } from './components/InventoryPage';
import { ListingDetail } from './components/ListingDetail';
import { ListingForm } from './components/ListingForm';
import { SearchPage } from './components/SearchPage';
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
