import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '../../../lib/i18n';
import type { Order, Vehicle } from '../api/export';
import { PackingForm, PackingListLink, wholeNumber } from './Packing';

const car = (id: number, vin: string, over: Partial<Vehicle> = {}): Vehicle =>
  ({ id, vin, step: 'inspected', packing: null, ...over }) as Vehicle;
const packed = {
  gross_kg: 1650, net_kg: 1520, length_mm: 4948, width_mm: 1836, height_mm: 1469, packages: 1, mode: 'container' as const,
  container_no: 'CSQU3054383', seal_no: 'SL-1', recorded_by: 3, recorded_at: '2026-12-02T08:00:00Z',
}; // prettier-ignore

describe('the packing details and the packing list', () => {
  const initial = getLocale();
  afterEach(() => setLocale(initial));

  it('reads whole numbers as typed, and nothing else', () => {
    expect(wholeNumber('1 650')).toBe(1650);
    expect(wholeNumber('1,650')).toBe(1650);
    expect(wholeNumber('1650.5')).toBeNull();
    expect(wholeNumber('-3')).toBeNull();
    expect(wholeNumber('')).toBeNull();
  });

  it('shows what is recorded, in both languages, and the form until the car departs', () => {
    setLocale('en');
    const v = car(1, 'LSVAB4BR0N0000001', { packing: packed });
    const en = renderToString(<PackingForm vehicle={v} onDone={() => undefined} />);
    expect(en).toContain('1,650 kg gross, 1,520 kg net · 4,948×1,836×1,469 mm · 1 pkg · Container');
    expect(en).toContain('container CSQU3054383, seal SL-1');
    expect(en).toContain('data-testid="packing-LSVAB4BR0N0000001-container_no"');
    setLocale('zh-CN');
    const zh = renderToString(<PackingForm vehicle={v} onDone={() => undefined} />);
    expect(zh).toContain('毛重 1,650 千克');
    expect(zh).toContain('登记装箱信息');
    const gone = renderToString(<PackingForm vehicle={{ ...v, step: 'departed' }} onDone={() => undefined} />);
    expect(gone).not.toContain('packing-LSVAB4BR0N0000001-submit');
    expect(gone).toContain('车辆已离港');
  });

  it('offers the list only once every car has its details', () => {
    setLocale('en');
    const one = car(1, 'LSVAB4BR0N0000001', { packing: packed });
    const two = car(2, 'LSVAB4BR0N0000002');
    const waiting = renderToString(<PackingListLink order={{ id: 9, vehicles: [one, two] } as unknown as Order} />);
    expect(waiting).not.toContain('packing-list-download');
    expect(waiting).toContain('missing: LSVAB4BR0N0000002');
    const ready = renderToString(<PackingListLink order={{ id: 9, vehicles: [one] } as unknown as Order} />);
    expect(ready).toContain('href="/api/export/orders/9/packing-list.pdf"');
    expect(ready).toContain('Download the packing list (PDF)');
  });
});
