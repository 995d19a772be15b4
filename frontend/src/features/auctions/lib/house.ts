import type { Me, MeOrganisation } from '../../../types/api';

const HOUSE_ROLES = ['house_admin', 'auctioneer'];

/** The verified auction houses the user may run sessions for (the server's `is_house_staff`). */
export function houseOrganisations(me: Me | null): MeOrganisation[] {
  return (me?.organisations ?? []).filter(
    (o) => o.kind === 'auction_house' && o.verification_status === 'verified' && o.roles.some((r) => HOUSE_ROLES.includes(r)),
  );
}

/** Is the user staff of this house (may manage its sessions)? */
export function isHouseStaff(me: Me | null, houseOrgId: number): boolean {
  if (me?.is_platform_admin) return true;
  return !!me?.organisations.some((o) => o.id === houseOrgId && o.kind === 'auction_house' && o.roles.some((r) => HOUSE_ROLES.includes(r)));
}
