import type { Me } from '../../../types/api';

/**
 * Whether the signed-in user acts for the listing's dealer (the API's `manages`: a member of the dealer's
 * organisation, or platform staff). Only decides what the UI offers; the API checks again.
 */
export function managesListing(me: Me | null | undefined, listing: { dealer: { id: number } }): boolean {
  if (!me) return false;
  return me.is_platform_admin || me.organisations.some((o) => o.id === listing.dealer.id);
}
