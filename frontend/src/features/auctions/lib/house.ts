import { HOUSE_ROLES, houseOrganisations } from '../../../lib/houses';
import type { Me } from '../../../types/api';

export { houseOrganisations };

/** Is the user staff of this house (may manage its sessions)? */
export function isHouseStaff(me: Me | null, houseOrgId: number): boolean {
  if (me?.is_platform_admin) return true;
  return !!me?.organisations.some((o) => o.id === houseOrgId && o.kind === 'auction_house' && o.roles.some((r) => HOUSE_ROLES.includes(r)));
}
