import type { Me, MeOrganisation } from '../types/api';

export const HOUSE_ROLES = ['house_admin', 'auctioneer'];

/** The verified auction houses the user works for (the server's `is_house_staff`): sessions, settlement. */
export function houseOrganisations(me: Me | null): MeOrganisation[] {
  return (me?.organisations ?? []).filter(
    (o) => o.kind === 'auction_house' && o.verification_status === 'verified' && o.roles.some((r) => HOUSE_ROLES.includes(r)),
  );
}
