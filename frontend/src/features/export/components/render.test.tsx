import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '../../../lib/i18n';
import type { Order, ShippingEvent, Vehicle } from '../api/export';
import { LinkList } from './OrderPage';
import { EtaLine, JourneyTimeline } from './Timelines';
import { VehicleCard } from './VehicleCard';

const vehicle: Vehicle = {
  id: 7, order_id: 1, batch_id: null, vehicle_id: 70, sale_id: null, vin: 'LSVAB4BR0N0123456', make: '本田',
  model: '雅阁', energy: 'ice', steering: 'lhd', price_minor: 1_250_000, price_cny_fen: 8_904_250,
  step: 'transfer_registered', colour: 'red', todo: 'renew_temporary_plate',
  deadline: { what: 'plate', due: '2026-10-22', state: 'overdue', days_left: -11 },
  deadlines: [], hs_code: '8703.23', hs_derived: true, hs_reason: '',
  registration: { make: '本田', model: '雅阁', first_registration: '2021-12-02', pending_export_on: '2026-12-02' },
  plate: { plate_no: '浙B03456', issued: '2026-09-23', insurance_ends: '2027-06-20', expires: '2026-11-21' },
  licence_data: null, refund_fen: null, eta: null, packing: null,
  destination_block: {
    when: 'at the estimated arrival',
    violations: [{ code: 'destination_too_old', country: 'KE', effective_from: '2020-01-01', source: 'KEBS KS 1515', detail: '8 years or more' }],
  },
}; // prettier-ignore

const order = { id: 1, currency: 'USD', fx_rate: '7.1234', vehicles: [vehicle] } as unknown as Order;

const ev = (id: number, over: Partial<ShippingEvent>): ShippingEvent => ({
  id, batch_id: 1, vehicle_id: null, event_type: 'departed', classifier: 'ACT', event_time: '2026-12-02T00:30:00Z',
  time_zone: 'Asia/Shanghai', local_time: '2026-12-02T08:30:00+08:00', recorded_at: '2026-12-02T01:00:00Z',
  location_code: 'CNNGB', location_name: 'Ningbo', retracts_event_id: null, retracted: false, note: '', source: 'manual',
  ...over,
}); // prettier-ignore

describe('the desk (server-rendered)', () => {
  const initial = getLocale();
  afterEach(() => setLocale(initial));

  it('shows a red car with what to do and the rule it breaks, in both languages', () => {
    setLocale('en');
    const en = renderToString(<VehicleCard order={order} vehicle={vehicle} onChange={() => undefined} />);
    expect(en).toContain('data-tone="red"');
    expect(en).toContain('11 days overdue');
    expect(en).toContain('The temporary plate has expired: apply for a new plate');
    expect(en).toContain('KEBS KS 1515');
    expect(en).toContain('USD 12,500.00');
    expect(en).toContain('CNY 89,042.50');
    setLocale('zh-CN');
    const zh = renderToString(<VehicleCard order={order} vehicle={vehicle} onChange={() => undefined} />);
    expect(zh).toContain('临时号牌已过期');
    expect(zh).toContain('已逾期 11 天');
    expect(zh).toContain('8.90万元');
  });

  it('offers the new-plate form, open, for the car whose plate ran out, and not before the transfer', () => {
    setLocale('en');
    const red = renderToString(<VehicleCard order={order} vehicle={vehicle} onChange={() => undefined} />);
    expect(red).toMatch(/<details[^>]*open=""[^>]*data-testid="plate-LSVAB4BR0N0123456"/);
    expect(red).toContain('Record the new plate');
    const bought = { ...vehicle, step: 'bought', plate: null, colour: 'green', todo: 'register_transfer' } as Vehicle;
    const none = renderToString(<VehicleCard order={order} vehicle={bought} onChange={() => undefined} />);
    expect(none).not.toContain('data-testid="plate-');
  });

  it('lists the consignee links with a revoke button for the live ones only', () => {
    setLocale('en');
    const links = [
      { id: 5, order_id: 1, token: null, created_at: '2026-12-01T02:00:00Z', revoked_at: null },
      { id: 4, order_id: 1, token: null, created_at: '2026-11-20T02:00:00Z', revoked_at: '2026-11-25T02:00:00Z' },
    ];
    const html = renderToString(<LinkList links={links} pending={false} onRevoke={() => undefined} />);
    expect(html).toContain('data-testid="consignee-link-revoke-5"');
    expect(html).not.toContain('data-testid="consignee-link-revoke-4"');
    expect(html).toMatch(/consignee-link-row-4"[^>]*data-revoked="true"/);
    expect(html).toContain('no longer opens');
  });

  it('shows the actual arrival after it, by its day when only the arrived step is known', () => {
    const tr = (k: string, _f: string, v?: Record<string, string>) => `${k}:${v?.time ?? ''}`;
    const day = renderToString(<EtaLine eta={{ kind: 'actual', at: '2026-11-29T00:00:00+00:00', precision: 'day' }} tr={tr} locale="en" />);
    expect(day).toContain('export.timeline.arrived:Nov 29, 2026<');
    const est = renderToString(<EtaLine eta={{ kind: 'estimated', at: '2026-12-20T05:00:00Z' }} tr={tr} locale="en" />);
    expect(est).toContain('export.timeline.eta:');
  });

  it('strikes a retracted event through, its correction under it', () => {
    setLocale('en');
    const html = renderToString(
      <JourneyTimeline
        events={[ev(1, { retracted: true }), ev(2, { retracts_event_id: 1, event_time: '2026-12-02T10:30:00Z' })]}
        eta={{ kind: 'estimated', at: '2026-12-20T05:00:00Z' }}
      />,
    );
    expect(html).toMatch(/data-testid="event-1"[^>]*data-retracted="true"[^>]*><del>/);
    expect(html.indexOf('event-1')).toBeLessThan(html.indexOf('event-2'));
    expect(html).toContain('corrects #1');
    expect(html).toContain('ETA (latest estimate)');
  });
});
