/**
 * The export desk's API (docs/export.md, "API"). Money in integer minor units of the order's currency; dates as
 * "YYYY-MM-DD"; times as ISO 8601 UTC.
 */
import { api, type Page } from '../../../lib/api-client';

export type FilingStatus = 'pending' | 'verified' | 'rejected' | 'expired';

/** The exporter's filing (备案) with MOFCOM: without one verified and in force no licence is applied for. */
export interface Filing {
  id: number;
  org_id: number;
  record_no: string;
  status: FilingStatus;
  valid_until: string | null;
  in_force: boolean;
}

export type DeadlineState = 'ok' | 'due_soon' | 'overdue';

export interface Deadline {
  what: 'plate' | 'licence' | 'deregistration' | string;
  due: string;
  state: DeadlineState;
  days_left: number;
}

export interface RuleWarning {
  code: string;
  country: string;
  detail: string;
  source: string;
  effective_from?: string;
}

export interface ExportDocument {
  id: number;
  kind: string;
  filename: string;
  uploaded_at: string;
  for_consignee?: boolean;
  url?: string;
}

export interface Vehicle {
  id: number;
  vin: string;
  make: string;
  model: string;
  steering?: 'left' | 'right';
  first_registration: string;
  price_minor: number;
  step: string;
  next_steps: string[];
  next_deadline: Deadline | null;
  warnings: RuleWarning[];
  documents: ExportDocument[];
  batch_id?: number | null;
}

export interface Consignee {
  name: string;
  country: string;
  address?: string;
  email?: string;
}

export interface OrderSummary {
  id: number;
  reference: string;
  consignee: Consignee;
  destination_country: string;
  incoterm: string;
  currency: string;
  fx_rate: string;
  total_minor: number;
  vehicle_count: number;
  /** The worst clock of the order's vehicles. */
  worst_state: DeadlineState | null;
  created_at: string;
}

export interface StepRecord {
  vehicle_id: number;
  step: string;
  at: string;
  by?: string | null;
  late?: boolean;
}

export interface Order extends OrderSummary {
  vehicles: Vehicle[];
  steps: StepRecord[];
  batch_ids: number[];
  consignee_link?: string | null;
}

export interface ShippingEvent {
  id: number;
  kind: string;
  place?: string | null;
  planned_at?: string | null;
  estimated_at?: string | null;
  actual_at?: string | null;
  recorded_at: string;
  /** The event this one corrects; the corrected one is retracted. */
  corrects_id?: number | null;
  retracted: boolean;
  note?: string | null;
}

export interface Batch {
  id: number;
  order_id: number;
  reference: string;
  bill_of_lading: string | null;
  vessel?: string | null;
  port_of_loading?: string | null;
  port_of_discharge?: string | null;
  licence_no?: string | null;
  licensed_quantity?: number | null;
  vehicle_ids: number[];
  events: ShippingEvent[];
  eta: string | null;
}

export interface ImportRowError {
  line: number;
  column?: string | null;
  code: string;
  value?: string | null;
}

export interface ImportResult {
  imported: number;
  errors: ImportRowError[];
}

/** What the consignee sees through the link: nothing private to the exporter. */
export interface ConsigneeView {
  reference: string;
  consignee: Consignee;
  status: string;
  eta: string | null;
  vehicles: { vin: string; make: string; model: string; step: string }[];
  documents: ExportDocument[];
  events: ShippingEvent[];
}

export const getFiling = () => api.get<Filing | null>('/api/export/filing');
export const saveFiling = (body: { record_no: string; valid_until: string | null }) =>
  api.put<Filing>('/api/export/filing', body);

export const listOrders = (cursor?: string | null) => api.getPage<OrderSummary>('/api/export/orders', cursor);
export const getOrder = (id: number) => api.get<Order>(`/api/export/orders/${id}`);
export const createOrder = (body: {
  reference: string;
  consignee: Consignee;
  destination_country: string;
  incoterm: string;
  currency: string;
  fx_rate: string;
}) => api.post<Order>('/api/export/orders', body);

export const addVehicle = (
  orderId: number,
  body: { vin: string; make: string; model: string; steering: string; first_registration: string; price_minor: number },
) => api.post<Vehicle>(`/api/export/orders/${orderId}/vehicles`, body);

/** Moves a vehicle one step; the facts the step needs (a plate's dates, a licence no.) go with it. */
export const recordStep = (vehicleId: number, step: string, facts: Record<string, string | boolean | null>) =>
  api.post<Vehicle>(`/api/export/vehicles/${vehicleId}/steps`, { step, ...facts });

export const uploadDocument = (vehicleId: number, kind: string, file: File) =>
  api.post<ExportDocument>(`/api/export/vehicles/${vehicleId}/documents`, undefined, {
    query: { kind, filename: file.name },
    raw: { data: file, contentType: file.type || 'application/octet-stream' },
  });

export const listBatches = (orderId: number) => api.get<{ items: Batch[] }>(`/api/export/orders/${orderId}/batches`);
export const createBatch = (
  orderId: number,
  body: { reference: string; bill_of_lading: string | null; vehicle_ids: number[]; licence_no: string | null; licensed_quantity: number | null },
) => api.post<Batch>(`/api/export/orders/${orderId}/batches`, body);
export const updateBatch = (batchId: number, body: { bill_of_lading: string | null; vessel?: string | null }) =>
  api.patch<Batch>(`/api/export/batches/${batchId}`, body);

export const recordEvent = (
  batchId: number,
  body: {
    kind: string;
    place: string | null;
    planned_at: string | null;
    estimated_at: string | null;
    actual_at: string | null;
    corrects_id?: number | null;
    note?: string | null;
  },
) => api.post<Batch>(`/api/export/batches/${batchId}/events`, body);

export const importEvents = (batchId: number, file: File) =>
  api.post<ImportResult>(`/api/export/batches/${batchId}/events/import`, undefined, {
    raw: { data: file, contentType: 'text/csv' },
  });

export const createConsigneeLink = (orderId: number) =>
  api.post<{ url: string; token: string }>(`/api/export/orders/${orderId}/consignee-link`);

export const getConsigneeView = (token: string) =>
  api.get<ConsigneeView>(`/api/export/consignee/${encodeURIComponent(token)}`);

export type { Page };
