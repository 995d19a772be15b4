/** The desk's pure logic: a vehicle's colour and what to do, the forms each step needs, the shipment's journey. */
import type { Colour, Deadline, ShippingEvent, Vehicle, Violation } from '../api/export';

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

/** Steps recorded for the whole batch (一批一证: one licence, one declaration, one voyage); the rest per car. */
export const BATCH_STEPS = ['licensed', 'declared', 'loaded', 'departed', 'arrived', 'delivered'] as const;

export type Tone = 'red' | 'amber' | null;

/** Red when a clock has run out or a destination rule blocks the car, amber from 7 days before a deadline. */
export function toneOf(colour: Colour | string | null | undefined): Tone {
  if (colour === 'red') return 'red';
  if (colour === 'amber') return 'amber';
  return null;
}

/** The worse of two tones (an order is as red as its worst vehicle). */
export function worseTone(a: Tone, b: Tone): Tone {
  if (a === 'red' || b === 'red') return 'red';
  if (a === 'amber' || b === 'amber') return 'amber';
  return null;
}

export function orderTone(vehicles: readonly Pick<Vehicle, 'colour'>[]): Tone {
  return vehicles.reduce<Tone>((t, v) => worseTone(t, toneOf(v.colour)), null);
}

/** The message key (and its parameters) saying how far the deadline is: "3 days left", "2 days overdue", "today". */
export function deadlineKey(d: Deadline): { key: string; params: Record<string, string | number> } {
  const params = { due: d.due, days: Math.abs(d.days_left) };
  if (d.days_left < 0) return { key: 'export.deadline.overdue', params };
  if (d.days_left === 0) return { key: 'export.deadline.today', params };
  return { key: 'export.deadline.left', params };
}

/** The next step a car takes on its own (null when the next one is the batch's, or none is left). */
export function nextStep(step: string): string | null {
  if ((FINAL_STEPS as readonly string[]).includes(step)) return null;
  const i = (STEPS as readonly string[]).indexOf(step);
  if (i < 0) return null;
  return i === STEPS.length - 1 ? 'vat_refund_filed' : STEPS[i + 1]!;
}

export function isBatchStep(step: string | null): boolean {
  return step !== null && (BATCH_STEPS as readonly string[]).includes(step);
}

/** The violations of a destination block or a refusal's details (`{violations: […]}` or one violation). */
export function violationsOf(x: unknown): Violation[] {
  if (typeof x !== 'object' || x === null) return [];
  const o = x as { violations?: unknown; code?: unknown; source?: unknown };
  if (Array.isArray(o.violations)) return o.violations.filter((v): v is Violation => typeof v === 'object' && v !== null && 'code' in v);
  if (typeof o.code === 'string' && typeof o.source === 'string') return [o as Violation];
  return [];
}

export type FactKind = 'date' | 'text' | 'select';

export interface FactField {
  name: string;
  kind: FactKind;
  required: boolean;
  options?: readonly string[];
}

/** What each car's own step asks for when it is recorded. */
export const STEP_FACTS: Record<string, FactField[]> = {
  // The temporary plate is issued with the 待出口 transfer; its clock runs until the car is inspected.
  transfer_registered: [
    { name: 'pending_export_on', kind: 'date', required: true },
    { name: 'plate_no', kind: 'text', required: false },
    { name: 'plate_issued', kind: 'date', required: true },
    { name: 'insurance_ends', kind: 'date', required: true },
  ],
  inspected: [{ name: 'inspection_standard', kind: 'select', required: true, options: ['WM/T 8-2022', 'WM/T 9-2022', 'declaration'] }],
  deregistered: [{ name: 'on', kind: 'date', required: false }],
  vat_refund_filed: [
    { name: 'on', kind: 'date', required: false },
    { name: 'invoice_kind', kind: 'select', required: true, options: ['special_vat', 'ordinary', 'private_seller'] },
    { name: 'invoice_net', kind: 'text', required: true },
    { name: 'invoice_tax', kind: 'text', required: true },
    { name: 'refund_rate_pct', kind: 'text', required: true },
  ],
};

/** The document a step is usually recorded with (the upload next to the step button). */
export const STEP_DOCUMENT: Record<string, string> = {
  transfer_registered: 'pending_export_transfer',
  inspected: 'inspection_report',
  deregistered: 'deregistration_certificate',
  vat_refund_filed: 'purchase_invoice',
};

export const DOCUMENT_KINDS = [
  'registration_certificate',
  'pending_export_transfer',
  'temporary_plate',
  'compulsory_insurance',
  'inspection_report',
  'standard_declaration',
  'after_sales_confirmation',
  'export_licence',
  'customs_declaration',
  'bill_of_lading',
  'deregistration_certificate',
  'purchase_invoice',
  'commercial_invoice',
  'packing_list',
  'export_contract',
  'other',
] as const;

const INVOICE_FIELDS = ['invoice_kind', 'invoice_net', 'invoice_tax', 'refund_rate_pct'];

/** "13" or "9.5" percent → basis points (1300, 950); null when it is not a percentage with at most 2 decimals. */
export function percentToBp(text: string): number | null {
  const m = /^\s*(\d{1,3})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? bp : null;
}

/**
 * Turns a step form's values into the request: empty optional fields are left out, dates kept as typed; the VAT
 * refund's invoice (amounts typed in 元) becomes `invoice` in fen and basis points. Throws RangeError on an
 * amount that is not one.
 */
export function stepBody(step: string, values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { step };
  for (const f of STEP_FACTS[step] ?? []) {
    const v = values[f.name]?.trim();
    if (v && !INVOICE_FIELDS.includes(f.name)) out[f.name] = v;
  }
  if (step === 'vat_refund_filed') {
    const net = yuanToFen(values.invoice_net ?? '');
    const tax = yuanToFen(values.invoice_tax ?? '');
    const bp = percentToBp(values.refund_rate_pct ?? '');
    if (net === null || tax === null || bp === null) throw new RangeError('invoice');
    out.invoice = { kind: values.invoice_kind, net_fen: net, tax_fen: tax, refund_rate_bp: bp };
  }
  return out;
}

/** "12,345.67" 元 → 1234567 fen, exact; null when it is not an amount. */
export function yuanToFen(text: string): number | null {
  const m = /^\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const fen = BigInt(m[1]!.replace(/,/g, '')) * 100n + BigInt((m[2] ?? '').padEnd(2, '0') || '0');
  return fen <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(fen) : null;
}

/** The fields of a step form still empty although required. */
export function missingFacts(step: string, values: Record<string, string>): string[] {
  return (STEP_FACTS[step] ?? []).filter((f) => f.required && !values[f.name]?.trim()).map((f) => f.name);
}

/**
 * The journey in the order events were recorded, each correction right after the event it retracts, so the
 * struck-through line and its replacement read together.
 */
export function journey(events: readonly ShippingEvent[]): ShippingEvent[] {
  const ids = new Set(events.map((e) => e.id));
  const corrections = new Map<number, ShippingEvent[]>();
  const roots: ShippingEvent[] = [];
  for (const e of events) {
    if (e.retracts_event_id != null && ids.has(e.retracts_event_id)) {
      corrections.set(e.retracts_event_id, [...(corrections.get(e.retracts_event_id) ?? []), e]);
    } else roots.push(e);
  }
  const out: ShippingEvent[] = [];
  const visit = (e: ShippingEvent) => {
    out.push(e);
    for (const c of (corrections.get(e.id) ?? []).sort((a, b) => a.id - b.id)) visit(c);
  };
  roots.sort((a, b) => a.event_time.localeCompare(b.event_time) || a.id - b.id).forEach(visit);
  return out;
}

/** The ids of events something retracts (the server marks them too; a fresh list may not say). */
export function retractedIds(events: readonly ShippingEvent[]): Set<number> {
  return new Set(events.flatMap((e) => (e.retracts_event_id != null ? [e.retracts_event_id] : [])));
}

/** datetime-local "2026-05-01T08:00" with an offset "+08:00" → "2026-05-01T08:00:00+08:00"; empty → null. */
export function localToIso(value: string, offset: string): string | null {
  if (!value) return null;
  const withSeconds = value.length === 16 ? `${value}:00` : value;
  return `${withSeconds}${offset === '+00:00' ? 'Z' : offset}`;
}

/** How far a vehicle has come: the index of its step (final steps count as the end). */
export function stepIndex(step: string): number {
  const i = (STEPS as readonly string[]).indexOf(step);
  return i >= 0 ? i : (FINAL_STEPS as readonly string[]).includes(step) ? STEPS.length : 0;
}

export interface HsOverride {
  order_vehicle_id: number;
  code: string;
  reason: string;
}

/**
 * The declaration's HS-heading overrides from the form: a car whose typed heading differs from its own, with the
 * reason (the API keeps it with the heading). `missing` names the cars given a heading without a reason.
 */
export function hsOverrides(
  vehicles: { id: number; vin: string; hs_code: string }[],
  typed: Record<number, { code?: string; reason?: string }>,
): { overrides: HsOverride[]; missing: string[] } {
  const overrides: HsOverride[] = [];
  const missing: string[] = [];
  for (const v of vehicles) {
    const code = (typed[v.id]?.code ?? '').trim();
    const reason = (typed[v.id]?.reason ?? '').trim();
    if (!code || code === v.hs_code) continue;
    if (!reason) missing.push(v.vin);
    else overrides.push({ order_vehicle_id: v.id, code, reason });
  }
  return { overrides, missing };
}
