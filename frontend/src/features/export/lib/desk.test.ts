import { describe, expect, it } from 'vitest';
import type { Deadline, ShippingEvent } from '../api/export';
import { deadlineKey, journey, latestEta, missingFacts, stepFacts, stepIndex, todoKey, toneOf, worseTone } from './desk';

const dl = (state: Deadline['state'], days_left: number, what = 'plate'): Deadline => ({ what, due: '2026-04-29', state, days_left });

const ev = (id: number, over: Partial<ShippingEvent>): ShippingEvent => ({
  id,
  kind: 'departed',
  recorded_at: `2026-05-0${id}T00:00:00Z`,
  retracted: false,
  ...over,
});

describe('desk colours', () => {
  it('turns a run-out clock red and a near one amber', () => {
    expect(toneOf('overdue')).toBe('red');
    expect(toneOf('due_soon')).toBe('amber');
    expect(toneOf('ok')).toBeNull();
    expect(toneOf(null)).toBeNull();
    expect(worseTone('amber', 'red')).toBe('red');
    expect(worseTone(null, 'amber')).toBe('amber');
    expect(worseTone(null, null)).toBeNull();
  });

  it('says how far the deadline is and what to do', () => {
    expect(deadlineKey(dl('overdue', -2))).toEqual({ key: 'export.deadline.overdue', params: { due: '2026-04-29', days: 2 } });
    expect(deadlineKey(dl('due_soon', 0)).key).toBe('export.deadline.today');
    expect(deadlineKey(dl('ok', 30)).key).toBe('export.deadline.left');
    expect(todoKey(dl('overdue', -2))).toBe('export.todo.plate.overdue');
    expect(todoKey(dl('due_soon', 3, 'licence'))).toBe('export.todo.licence.due_soon');
    expect(todoKey(dl('ok', 30))).toBeNull();
  });
});

describe('step forms', () => {
  it('keeps the facts a step asks for, dropping empty optional ones', () => {
    expect(stepFacts('inspected', { plate_issued: '2026-03-01', insurance_ends: '2026-12-31', plate_no: ' ', inspection: true, other: 'x' })).toEqual({
      plate_issued: '2026-03-01',
      insurance_ends: '2026-12-31',
      inspection: true,
    });
    expect(stepFacts('loaded', { x: 'y' })).toEqual({});
  });

  it('names the required fields still empty', () => {
    expect(missingFacts('licensed', { licence_no: 'L1' })).toEqual(['licence_issued']);
    expect(missingFacts('loaded', {})).toEqual([]);
  });

  it('orders steps with the final ones at the end', () => {
    expect(stepIndex('bought')).toBe(0);
    expect(stepIndex('deregistered')).toBe(9);
    expect(stepIndex('vat_refund_filed')).toBe(10);
  });
});

describe('the journey', () => {
  it('puts a correction right after the event it retracts', () => {
    const events = [
      ev(1, { kind: 'departed', actual_at: '2026-05-01T08:00:00Z', retracted: true }),
      ev(2, { kind: 'arrived', estimated_at: '2026-06-01T00:00:00Z' }),
      ev(3, { kind: 'departed', actual_at: '2026-05-02T08:00:00Z', corrects_id: 1 }),
    ];
    expect(journey(events).map((e) => e.id)).toEqual([1, 3, 2]);
  });

  it('takes the latest standing estimate as the ETA, and the actual arrival over any estimate', () => {
    const events = [
      ev(1, { kind: 'arrived', estimated_at: '2026-06-01T00:00:00Z' }),
      ev(2, { kind: 'arrived', estimated_at: '2026-06-05T00:00:00Z' }),
      ev(3, { kind: 'arrived', estimated_at: '2026-06-09T00:00:00Z', retracted: true }),
    ];
    expect(latestEta(events)).toBe('2026-06-05T00:00:00Z');
    expect(latestEta([...events, ev(4, { kind: 'arrived', actual_at: '2026-06-04T00:00:00Z' })])).toBe('2026-06-04T00:00:00Z');
    expect(latestEta([ev(1, { kind: 'departed', actual_at: '2026-05-01T00:00:00Z' })])).toBeNull();
  });
});
