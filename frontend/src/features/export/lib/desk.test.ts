import { describe, expect, it } from 'vitest';
import type { Deadline, ShippingEvent } from '../api/export';
import {
  hsOverrides,
  deadlineKey,
  isBatchStep,
  journey,
  localToIso,
  missingFacts,
  nextStep,
  orderTone,
  percentToBp,
  retractedIds,
  stepBody,
  stepIndex,
  toneOf,
  violationsOf,
  worseTone,
  yuanToFen,
} from './desk';

const dl = (state: Deadline['state'], days_left: number, what = 'plate'): Deadline => ({ what, due: '2026-04-29', state, days_left });

const ev = (id: number, over: Partial<ShippingEvent>): ShippingEvent => ({
  id,
  batch_id: 1,
  vehicle_id: null,
  event_type: 'departed',
  classifier: 'ACT',
  event_time: `2026-05-0${id}T00:00:00+00:00`,
  time_zone: 'Asia/Shanghai',
  local_time: '',
  recorded_at: `2026-05-0${id}T00:00:00Z`,
  location_code: '',
  location_name: '',
  retracts_event_id: null,
  retracted: false,
  note: '',
  source: 'manual',
  ...over,
});

describe('desk colours', () => {
  it('turns a red car red and an amber one amber; green shows no colour', () => {
    expect(toneOf('red')).toBe('red');
    expect(toneOf('amber')).toBe('amber');
    expect(toneOf('green')).toBeNull();
    expect(toneOf(null)).toBeNull();
    expect(worseTone('amber', 'red')).toBe('red');
    expect(worseTone(null, 'amber')).toBe('amber');
    expect(orderTone([{ colour: 'green' }, { colour: 'amber' }])).toBe('amber');
    expect(orderTone([{ colour: 'amber' }, { colour: 'red' }, { colour: 'green' }])).toBe('red');
    expect(orderTone([])).toBeNull();
  });

  it('says how far the deadline is', () => {
    expect(deadlineKey(dl('overdue', -2))).toEqual({ key: 'export.deadline.overdue', params: { due: '2026-04-29', days: 2 } });
    expect(deadlineKey(dl('due_soon', 0)).key).toBe('export.deadline.today');
    expect(deadlineKey(dl('ok', 30)).key).toBe('export.deadline.left');
  });
});

describe('steps', () => {
  it('knows the next step and whether the batch records it', () => {
    expect(nextStep('bought')).toBe('transfer_registered');
    expect(nextStep('inspected')).toBe('licensed');
    expect(isBatchStep(nextStep('inspected'))).toBe(true);
    expect(isBatchStep(nextStep('bought'))).toBe(false);
    expect(nextStep('deregistered')).toBe('vat_refund_filed');
    expect(nextStep('vat_not_applicable')).toBeNull();
    expect(nextStep('nonsense')).toBeNull();
  });

  it('keeps the facts a step asks for, dropping empty optional ones', () => {
    expect(stepBody('transfer_registered', { pending_export_on: '2026-03-01', plate_issued: '2026-03-01', insurance_ends: '2026-12-31', plate_no: ' ', other: 'x' })).toEqual({
      step: 'transfer_registered',
      pending_export_on: '2026-03-01',
      plate_issued: '2026-03-01',
      insurance_ends: '2026-12-31',
    });
    expect(stepBody('inspected', { inspection_standard: 'WM/T 8-2022' })).toEqual({ step: 'inspected', inspection_standard: 'WM/T 8-2022' });
    expect(stepBody('loaded', { x: 'y' })).toEqual({ step: 'loaded' });
  });

  it('names the required fields still empty', () => {
    expect(missingFacts('transfer_registered', { plate_issued: '2026-03-01' })).toEqual(['pending_export_on', 'insurance_ends']);
    expect(missingFacts('inspected', {})).toEqual(['inspection_standard']);
    expect(missingFacts('deregistered', {})).toEqual([]);
  });

  it('orders steps with the final ones at the end', () => {
    expect(stepIndex('bought')).toBe(0);
    expect(stepIndex('deregistered')).toBe(9);
    expect(stepIndex('vat_refund_filed')).toBe(10);
  });
});

describe('the VAT refund invoice', () => {
  it('sends amounts typed in 元 as fen and the rate as basis points', () => {
    expect(stepBody('vat_refund_filed', { invoice_kind: 'special_vat', invoice_net: '100,000.00', invoice_tax: '13000', refund_rate_pct: '13' })).toEqual({
      step: 'vat_refund_filed',
      invoice: { kind: 'special_vat', net_fen: 10_000_000, tax_fen: 1_300_000, refund_rate_bp: 1300 },
    });
    expect(yuanToFen('0.5')).toBe(50);
    expect(yuanToFen('1.234')).toBeNull();
    expect(percentToBp('9.5')).toBe(950);
    expect(percentToBp('101')).toBeNull();
    expect(() => stepBody('vat_refund_filed', { invoice_kind: 'special_vat', invoice_net: 'x', invoice_tax: '1', refund_rate_pct: '13' })).toThrow(RangeError);
  });
});

describe('destination violations', () => {
  it('reads a refusal’s details, a block, or nothing', () => {
    const v = { code: 'destination_steering', country: 'UZ', effective_from: '2025-01-01', source: 'importer', detail: 'lhd only' };
    expect(violationsOf({ when: 'x', violations: [v] })).toEqual([v]);
    expect(violationsOf(v)).toEqual([v]);
    expect(violationsOf(null)).toEqual([]);
    expect(violationsOf({ violations: 'no' })).toEqual([]);
  });
});

describe('the journey', () => {
  it('puts a correction right after the event it retracts', () => {
    const events = [
      ev(1, { event_type: 'departed', retracted: true }),
      ev(2, { event_type: 'arrived', classifier: 'EST', event_time: '2026-06-01T00:00:00+00:00' }),
      ev(3, { event_type: 'departed', event_time: '2026-05-02T08:00:00+00:00', retracts_event_id: 1 }),
    ];
    expect(journey(events).map((e) => e.id)).toEqual([1, 3, 2]);
    expect([...retractedIds(events)]).toEqual([1]);
  });

  it('writes a typed local time with its offset', () => {
    expect(localToIso('2026-05-01T08:00', '+08:00')).toBe('2026-05-01T08:00:00+08:00');
    expect(localToIso('2026-05-01T08:00', '+00:00')).toBe('2026-05-01T08:00:00Z');
    expect(localToIso('', '+08:00')).toBeNull();
  });
});

describe('hsOverrides', () => {
  const cars = [
    { id: 1, vin: 'VIN1', hs_code: '8703.23' },
    { id: 2, vin: 'VIN2', hs_code: '8703.80' },
    { id: 3, vin: 'VIN3', hs_code: '8703.23' },
  ];
  it('sends only a changed heading, with its reason, and names a car changed without one', () => {
    const r = hsOverrides(cars, {
      1: { code: '8703.24', reason: ' 排量 3,000 cm³ 以上 ' },
      2: { code: '8703.80', reason: '' },
      3: { code: '8703.40' },
    });
    expect(r.overrides).toEqual([{ order_vehicle_id: 1, code: '8703.24', reason: '排量 3,000 cm³ 以上' }]);
    expect(r.missing).toEqual(['VIN3']);
    expect(hsOverrides(cars, {})).toEqual({ overrides: [], missing: [] });
  });
});
