import { renderToString } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, messages, setLocale, translate, type TFunction } from '../../../lib/i18n';
import { setSessionUser } from '../../../lib/session';
import type { Me } from '../../../types/api';
import type { Consignment, InventoryVehicle } from '../api/auctions';
import { consignableVehicles, ConsignPage, listingHolds, sellerOrganisations } from './ConsignPage';
import { consignedLabel } from './DraftManager';

const user = (...orgs: Me['organisations']): Me => ({
  id: 1, email: 'a@example.cn', mobile: null, display_name: '王经理', is_platform_admin: false, organisations: orgs,
});
const dealer = { id: 3, name: '甬车二手车', kind: 'dealer' as const, roles: ['dealer_admin'], verification_status: 'verified' as const };
const buyerOnly = { ...dealer, id: 4, roles: ['buyer'] };
const house = { id: 7, name: '甬城拍卖', kind: 'auction_house' as const, roles: ['auctioneer'], verification_status: 'verified' as const };

const row = (id: number, vin: string, status = 'draft'): InventoryVehicle => ({
  id, status, title: 't', vehicle: { vin, make: '大众', model: '帕萨特', series: '330TSI', model_year: 2021, mileage_km: 1 },
});

const consignment: Consignment = {
  id: 1, vehicle_id: 9, seller_org_id: 3, seller_name: '甬车二手车', house_org_id: 7, house_name: '甬城拍卖', status: 'active',
  suggested_reserve: 12_345_600, note: '', lot_id: null, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
  vehicle: { id: 9, title: '大众 帕萨特', make: '大众', model: '帕萨特', series: '330TSI', vin: 'LSVAU000000000001', energy_type: 'ice', model_year: 2021, mileage_km: 1, city: '宁波' },
};

describe('consignment', () => {
  const initial = getLocale();
  afterEach(() => {
    setLocale(initial);
    setSessionUser(null);
  });

  it('lets only a dealer\'s admin or staff consign', () => {
    expect(sellerOrganisations(user(dealer, buyerOnly, house)).map((o) => o.id)).toEqual([3]);
    expect(sellerOrganisations(null)).toEqual([]);
  });

  it('offers each unsold vehicle once', () => {
    const rows = [row(1, 'A'), row(2, 'A', 'withdrawn'), row(3, 'B', 'sold'), row(4, 'C', 'published')];
    expect(consignableVehicles(rows).map((r) => r.id)).toEqual([1, 4]);
  });

  it('knows which vehicles a listing on sale holds (they cannot be consigned until it is withdrawn)', () => {
    expect(['published', 'reserved', 'draft', 'withdrawn', 'expired', 'sold'].map((s) => listingHolds(row(1, 'A', s)))).toEqual([
      true, true, false, false, false, false,
    ]);
  });

  it('describes a consigned vehicle for the house\'s picker, money in 万元', () => {
    setLocale('zh-CN');
    const t: TFunction = (key, params) => translate(messages, 'zh-CN', key, params);
    const label = consignedLabel(consignment, t, 'zh-CN');
    expect(label).toContain('大众 帕萨特 330TSI');
    expect(label).toContain('VIN LSVAU000000000001');
    expect(label).toContain('2021年款');
    expect(label).toContain('建议保留价 12.35万元');
  });

  it('renders the consign page in Chinese for a dealer, and a refusal for others', () => {
    setLocale('zh-CN');
    setSessionUser(user(dealer));
    const html = renderToString(<MemoryRouter><ConsignPage /></MemoryRouter>);
    expect(html).toContain('委托拍卖企业拍卖车辆');
    expect(html).toContain('建议保留价（可选）（万元）'); // the one money input: the unit in the label
    setSessionUser(user(buyerOnly));
    expect(renderToString(<MemoryRouter><ConsignPage /></MemoryRouter>)).toContain('只有车商的管理员或业务员可以委托拍卖');
  });
});
