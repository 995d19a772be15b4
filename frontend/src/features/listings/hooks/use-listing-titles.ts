import { useEffect, useState } from 'react';
import { getListing, type Listing } from '../api/listings';

/**
 * Offers and alerts carry only a listing id; this loads each distinct listing once for its title and price.
 * A listing that is no longer visible (withdrawn, say) maps to null and is shown by its number.
 */
export function useListings(ids: number[]): Record<number, Listing | null> {
  const [found, setFound] = useState<Record<number, Listing | null>>({});
  const key = [...new Set(ids)].sort((a, b) => a - b).join(',');
  useEffect(() => {
    let live = true;
    const wanted = key ? key.split(',').map(Number) : [];
    for (const id of wanted) {
      getListing(id).then(
        (l) => live && setFound((f) => ({ ...f, [id]: l })),
        () => live && setFound((f) => ({ ...f, [id]: null })),
      );
    }
    return () => {
      live = false;
    };
  }, [key]);
  return found;
}
