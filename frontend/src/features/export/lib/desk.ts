/** The desk's pure logic: a vehicle's colour and what to do, the forms each step needs, the shipment's journey. */
import type { Deadline, DeadlineState, ShippingEvent } from '../api/export';

/** The steps of a vehicle, in order (export/domain/steps.py). */
export const STEPS = [
  'bought',
  'transfer_registered',
  'inspected',
  'licensed',
  'declared',
  'loaded',
  'departed',
  'arrived',
  'delivered',
  'deregistered',
] as const;
export const FINAL_STEPS = ['vat_refund_filed', 'vat_not_applicable'] as const;

export type Tone = 'red' | 'amber' | null;

/** Red when a clock has run out, amber from 7 days before it (the server decides the state). */
export function toneOf(state: DeadlineState | null | undefined): Tone {
  if (state === 'overdue') return 'red';
  if (state === 'due_soon') return 'amber';
  return null;
}

/** The worse of two tones (an order is as red as its worst vehicle). */
export function worseTone(a: Tone, b: Tone): Tone {
  if (a === 'red' || b === 'red') return 'red';
  if (a === 'amber' || b === 'amber') return 'amber';
  return null;
}

/** The message key (and its parameters) saying how far the deadline is: "3 days left", "2 days overdue", "today". */
export function deadlineKey(d: Deadline): { key: string; params: Record<string, string | number> } {
  const params = { due: d.due, days: Math.abs(d.days_left) };
  if (d.days_left < 0) return { key: 'export.deadline.overdue', params };
  if (d.days_left === 0) return { key: 'export.deadline.today', params };
  return { key: 'export.deadline.left', params };
}

/** The message key of what to do about a clock, e.g. `export.todo.plate.overdue`. */
export function todoKey(d: Deadline): string | null {
  if (d.state === 'ok') return null;
  return `export.todo.${d.what}.${d.state}`;
}

export type FactKind = 'date' | 'text' | 'check';

export interface FactField {
  name: string;
  kind: FactKind;
  required: boolean;
}

/** What each step asks for when it is recorded, beyond the document uploaded with it. */
export const STEP_FACTS: Record<string, FactField[]> = {
  transfer_registered: [{ name: 'pending_export_on', kind: 'date', required: true }],
  inspected: [
    { name: 'plate_no', kind: 'text', required: false },
    { name: 'plate_issued', kind: 'date', required: true },
    { name: 'insurance_ends', kind: 'date', required: true },
    { name: 'inspection', kind: 'check', required: false },
  ],
  licensed: [
    { name: 'licence_no', kind: 'text', required: true },
    { name: 'licence_issued', kind: 'date', required: true },
  ],
  declared: [
    { name: 'declaration_no', kind: 'text', required: false },
    { name: 'hs_code', kind: 'text', required: false },
  ],
  deregistered: [{ name: 'cleared_on', kind: 'date', required: true }],
};

/** The document a step is usually recorded with (the upload next to the step button). */
export const STEP_DOCUMENT: Record<string, string> = {
  transfer_registered: 'registration_certificate',
  inspected: 'inspection_report',
  licensed: 'after_sales_confirmation',
  declared: 'customs_declaration',
  loaded: 'packing_list',
  deregistered: 'deregistration_certificate',
  vat_refund_filed: 'vat_invoice',
};

export const DOCUMENT_KINDS = [
  'registration_certificate',
  'inspection_report',
  'after_sales_confirmation',
  'licence',
  'customs_declaration',
  'packing_list',
  'bill_of_lading',
  'commercial_invoice',
  'deregistration_certificate',
  'vat_invoice',
] as const;

/** Turns a step form's values into the request's facts: empty optional fields are left out, dates kept as typed. */
export function stepFacts(step: string, values: Record<string, string | boolean>): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const f of STEP_FACTS[step] ?? []) {
    const v = values[f.name];
    if (f.kind === 'check') out[f.name] = v === true;
    else if (typeof v === 'string' && v.trim() !== '') out[f.name] = v.trim();
  }
  return out;
}

/** The fields of a step form still empty although required. */
export function missingFacts(step: string, values: Record<string, string | boolean>): string[] {
  return (STEP_FACTS[step] ?? [])
    .filter((f) => f.required && f.kind !== 'check' && !(typeof values[f.name] === 'string' && String(values[f.name]).trim()))
    .map((f) => f.name);
}

/** When an event happened or is expected: actual, else the estimate, else the plan. */
export function eventTime(e: ShippingEvent): string | null {
  return e.actual_at ?? e.estimated_at ?? e.planned_at ?? null;
}

/**
 * The journey in order of when things happened (or are expected), each correction right after the event it
 * retracts, so the struck-through line and its replacement read together.
 */
export function journey(events: readonly ShippingEvent[]): ShippingEvent[] {
  const byTime = (a: ShippingEvent, b: ShippingEvent) =>
    (eventTime(a) ?? a.recorded_at).localeCompare(eventTime(b) ?? b.recorded_at) || a.id - b.id;
  const corrections = new Map<number, ShippingEvent[]>();
  const roots: ShippingEvent[] = [];
  const ids = new Set(events.map((e) => e.id));
  for (const e of events) {
    if (e.corrects_id != null && ids.has(e.corrects_id)) {
      corrections.set(e.corrects_id, [...(corrections.get(e.corrects_id) ?? []), e]);
    } else {
      roots.push(e);
    }
  }
  const out: ShippingEvent[] = [];
  const visit = (e: ShippingEvent) => {
    out.push(e);
    for (const c of (corrections.get(e.id) ?? []).sort((a, b) => a.id - b.id)) visit(c);
  };
  roots.sort(byTime).forEach(visit);
  return out;
}

/**
 * The ETA: the arrival's latest estimate among events still standing (a retracted one no longer counts); an
 * actual arrival replaces any estimate. The server sends its own; this is the same rule for a fresh import.
 */
export function latestEta(events: readonly ShippingEvent[]): string | null {
  const standing = events.filter((e) => !e.retracted && e.kind === 'arrived');
  const actual = standing.find((e) => e.actual_at);
  if (actual) return actual.actual_at ?? null;
  const estimates = standing.filter((e) => e.estimated_at || e.planned_at).sort((a, b) => b.recorded_at.localeCompare(a.recorded_at) || b.id - a.id);
  const e = estimates[0];
  return e ? (e.estimated_at ?? e.planned_at ?? null) : null;
}

/** How far a vehicle has come: the index of its step (final steps count as the end). */
export function stepIndex(step: string): number {
  const i = (STEPS as readonly string[]).indexOf(step);
  return i >= 0 ? i : (FINAL_STEPS as readonly string[]).includes(step) ? STEPS.length : 0;
}
