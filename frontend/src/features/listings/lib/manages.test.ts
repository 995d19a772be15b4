import { describe, expect, it } from 'vitest';
import type { Me } from '../../../types/api';
import { managesListing } from './manages';

const me = (orgIds: number[], admin = false): Me => ({
  id: 1,
  email: 'a@example.cn',
  mobile: null,
  display_name: 'A',
  is_platform_admin: admin,
  organisations: orgIds.map((id) => ({ id, name: `org ${id}`, kind: 'dealer', roles: ['dealer_admin'], verification_status: 'verified' })),
});

describe('managesListing', () => {
  const listing = { dealer: { id: 7 } };
  it('is true for a member of the dealer and for platform staff', () => {
    expect(managesListing(me([3, 7]), listing)).toBe(true);
    expect(managesListing(me([], true), listing)).toBe(true);
  });
  it('is false for anyone else', () => {
    expect(managesListing(me([3]), listing)).toBe(false);
    expect(managesListing(null, listing)).toBe(false);
    expect(managesListing(undefined, listing)).toBe(false);
  });
});
