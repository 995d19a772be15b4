/**
 * The export desk's API (docs/export.md, "API"; shapes from src/export/schemas.py). Money in integer minor units
 * of the order's currency (CNY equivalents in fen); dates "YYYY-MM-DD"; times ISO 8601 with their offset.
 * Everything an exporter owns hangs off its dealer organisation: `/api/export/dealers/{org}/…`.
 */
import { api } from '../../../lib/api-client';
// The filing and paper shapes are shared with the staff pages (features/admin/export): one definition in types/.
import type { ExportDocument, Filing } from '../../../types/export';

export type { ExportDocument, Filing, FilingAction, FilingDecision, FilingStatus } from '../../../types/export';



/** The kinds of paper a filing holds. */
export const FILING_DOCUMENT_KINDS = ['filing_certificate', 'appraiser_certificate', 'other'] as const;

/** Where any export paper downloads (the exporter's members and staff; others get 404). */
export const exportDocumentUrl = (id: number) => `/api/export/documents/${id}`;

export const uploadFilingDocument = (filingId: number, docType: string, file: File, meta: { number?: string } = {}) =>
  api.post<ExportDocument>(`/api/export/filings/${filingId}/documents`, undefined, {
    query: { doc_type: docType, number: meta.number || undefined },
    raw: { data: file, contentType: file.type || 'application/octet-stream' },
  });

export interface FilingInput {
  filing_no: string;
  province: string;
  approved_on: string;
  customs_code: string;
  appraisers: { name: string; certificate_no: string }[];
}

export type DeadlineState = 'ok' | 'due_soon' | 'overdue';
export type Colour = 'red' | 'amber' | 'green';

export interface Deadline {
  what: 'plate' | 'licence' | 'deregistration' | string;
  due: string;
  state: DeadlineState;
  days_left: number;
}

/** A destination rule a car breaks, with the rule's country, version and source. */
export interface Violation {
  code: string;
  country: string;
  effective_from: string;
  source: string;
  detail: string;
}

export interface Eta {
  kind: 'estimated' | 'actual';
  at: string;
  /** 'day': the arrival is known by its day only (the batch's arrived step, no actual event). */
  precision?: 'day';
}

export interface Vehicle {
  id: number;
  order_id: number;
  batch_id: number | null;
  vehicle_id: number;
  sale_id: number | null;
  vin: string;
  make: string;
  model: string;
  energy: string;
  steering: 'lhd' | 'rhd' | string;
  price_minor: number;
  price_cny_fen: number;
  step: string;
  colour: Colour;
  /** What to do next, a code the desk words (export.todo.<code>). */
  todo: string | null;
  deadline: Deadline | null;
  deadlines: Deadline[];
  hs_code: string;
  hs_derived: boolean;
  hs_reason: string;
  registration: { make: string; model: string; first_registration: string; pending_export_on: string | null } | null;
  plate: { plate_no: string; issued: string; insurance_ends: string | null; expires: string | null } | null;
  licence_data: Record<string, unknown> | null;
  refund_fen: number | null;
  /** A rule the car breaks as it stands (e.g. counted at the estimated arrival): the desk shows it red. */
  destination_block: ({ violations?: Violation[] } & Partial<Violation> & Record<string, unknown>) | null;
  eta: Eta | null;
  /** The packing details for the order's packing list (装箱单), null until recorded. */
  packing: PackingRecord | null;
}

export type ShippingMode = 'ro_ro' | 'container' | 'rail';

export interface PackingInput {
  gross_kg: number;
  net_kg: number;
  length_mm: number;
  width_mm: number;
  height_mm: number;
  packages: number;
  mode: ShippingMode;
  container_no: string;
  seal_no: string;
}

export interface PackingRecord extends PackingInput {
  recorded_by: number;
  recorded_at: string;
}

export interface Consignee {
  name: string;
  country: string;
  address: string;
  contact: string;
  legal_ground?: string;
  contract_no?: string;
}

export interface Payment {
  id: number;
  amount_minor: number;
  currency: string;
  method: string;
  reference: string;
  received_on: string;
}

export interface Order {
  id: number;
  exporter_org_id: number;
  reference: string;
  consignee: Consignee;
  destination_country: string;
  incoterm: string;
  named_place: string;
  currency: string;
  /** CNY per unit of the currency, fixed for the order (a decimal as text). */
  fx_rate: string;
  fx_source: string;
  fx_date: string;
  planned_shipment: string | null;
  status: string;
  total_minor: number;
  total_cny_fen: number;
  paid_minor: number;
  payments: Payment[];
  vehicles: Vehicle[];
  created_at: string;
}

export interface OrderInput {
  reference: string;
  consignee: { name: string | null; country: string; address: string | null; contact: string | null }; // null for platform staff: the dealer's own
  contract_no: string;
  destination_country: string;
  incoterm: string;
  named_place: string;
  currency: string;
  fx_rate: string;
  fx_source: string;
  fx_date: string;
  planned_shipment: string | null;
}


export interface ShippingEvent {
  id: number;
  batch_id: number | null;
  vehicle_id: number | null;
  event_type: string;
  /** PLN planned, EST estimated, ACT actual (DCSA). */
  classifier: 'PLN' | 'EST' | 'ACT';
  event_time: string;
  time_zone: string;
  local_time: string;
  recorded_at: string;
  location_code: string;
  location_name: string;
  retracts_event_id: number | null;
  retracted: boolean;
  note: string;
  source: string;
}

export interface EventInput {
  event_type: string;
  classifier: 'PLN' | 'EST' | 'ACT';
  event_time: string;
  time_zone: string;
  location_code: string;
  location_name: string;
  retracts_event_id: number | null;
  note: string;
}

export interface Batch {
  id: number;
  exporter_org_id: number;
  reference: string;
  mode: 'ro_ro' | 'container' | 'rail' | string;
  destination_country: string;
  planned_departure: string;
  licence_no: string;
  licence_issued: string | null;
  licence_expires: string | null;
  licensed_quantity: number | null;
  declaration_no: string;
  declared_on: string | null;
  cleared_on: string | null;
  bill_of_lading: { number: string; vessel?: string; voyage?: string; port_of_loading?: string; port_of_discharge?: string } | null;
  vehicle_ids: number[];
  eta: Eta | null;
}

export interface StepRecord {
  step: string;
  on: string;
  data: Record<string, unknown>;
  recorded_by: number;
  recorded_at: string;
}

export interface VehicleDetail {
  vehicle: Vehicle;
  steps: StepRecord[];
  documents: ExportDocument[];
  events: ShippingEvent[];
}

export interface ImportRowError {
  line: number;
  column: string;
  code: string;
  message: string;
}

export interface ImportReport {
  rows: number;
  imported: number;
  unchanged: number;
  errors: ImportRowError[];
}

export interface Link {
  id: number;
  order_id: number;
  token: string | null;
  created_at: string;
  revoked_at: string | null;
}

/** What the consignee sees through the link: nothing private to the exporter. */
export interface Track {
  order_reference: string;
  consignee: string;
  destination_country: string;
  incoterm: string;
  named_place: string;
  vehicles: { vin: string; make: string; model: string; status: string; eta: Eta | null }[];
  documents: { id: number; doc_type: string; number: string; issued_on: string | null }[];
  eta: Eta | null;
  events?: ShippingEvent[];
  payment?: TrackPayment;
}

export interface TrackPayment {
  currency: string;
  total_minor: number;
  paid_minor: number;
  due_minor: number;
  /** the latest card checkout's state: open, processing, succeeded, canceled, failed */
  card_status: string | null;
}

const dealer = (org: number) => `/api/export/dealers/${org}`;

export const listFilings = (org: number) => api.get<{ items: Filing[] }>(`${dealer(org)}/filings`).then((r) => r.items);
export const lodgeFiling = (org: number, body: FilingInput) => api.post<Filing>(`${dealer(org)}/filings`, body);

export const listOrders = (org: number) => api.get<{ items: Order[] }>(`${dealer(org)}/orders`).then((r) => r.items);
export const createOrder = (org: number, body: OrderInput) => api.post<Order>(`${dealer(org)}/orders`, body);
export const getOrder = (id: number) => api.get<Order>(`/api/export/orders/${id}`);
export const addVehicle = (
  orderId: number,
  body: { vehicle_id?: number; sale_id?: number; price_minor: number; steering: string; fuel?: string; euro?: number | null },
) => api.post<Order>(`/api/export/orders/${orderId}/vehicles`, body);

export const recordRegistration = (
  vehicleId: number,
  body: { make: string; model: string; first_registration: string; pending_export_on: string | null },
) => api.put<unknown>(`/api/export/vehicles/${vehicleId}/registration`, body);
/** A new temporary plate (临时号牌) for a car whose plate ran out: 60 days at most, never past the insurance. */
export const recordPlate = (vehicleId: number, body: { plate_no: string; issued: string; insurance_ends: string }) =>
  api.post<unknown>(`/api/export/vehicles/${vehicleId}/plate`, body);
/** The car's packing details (kg, mm, packages, mode; a container's ISO 6346 number and seal), until it departs. */
export const recordPacking = (vehicleId: number, body: PackingInput) =>
  api.put<unknown>(`/api/export/vehicles/${vehicleId}/packing`, body);
/** The order's packing list as a PDF (409 packing_incomplete while a car lacks its details). */
export const packingListUrl = (orderId: number) => `/api/export/orders/${orderId}/packing-list.pdf`;
export const getVehicle = (id: number) => api.get<VehicleDetail>(`/api/export/vehicles/${id}`);
/** Moves a vehicle one step; the facts the step needs (a plate's dates, the transfer date) go with it. */
export const recordStep = (vehicleId: number, body: Record<string, unknown>) =>
  api.post<unknown>(`/api/export/vehicles/${vehicleId}/steps`, body);
export const uploadDocument = (
  target: { vehicle: number } | { batch: number },
  docType: string,
  file: File,
  meta: { number?: string; for_consignee?: boolean } = {},
) =>
  api.post<ExportDocument>(
    'vehicle' in target ? `/api/export/vehicles/${target.vehicle}/documents` : `/api/export/batches/${target.batch}/documents`,
    undefined,
    {
      query: { doc_type: docType, number: meta.number, for_consignee: meta.for_consignee ? 'true' : undefined },
      raw: { data: file, contentType: file.type || 'application/octet-stream' },
    },
  );

export const listBatches = (org: number) => api.get<{ items: Batch[] }>(`${dealer(org)}/batches`).then((r) => r.items);
export const createBatch = (
  org: number,
  body: { reference: string; mode: string; planned_departure: string; order_vehicle_ids: number[] },
) => api.post<Batch>(`${dealer(org)}/batches`, body);

export interface LicenceInput {
  licence_no: string;
  issued_on: string;
  quantity: number;
  vehicles: { order_vehicle_id: number; make: string; model: string; first_registration: string; pending_export_on: string }[];
}
export const recordLicence = (batchId: number, body: LicenceInput) => api.post<Batch>(`/api/export/batches/${batchId}/licence`, body);
export const recordDeclaration = (
  batchId: number,
  body: { declaration_no: string; declared_on: string; vins: string[]; hs_overrides?: { order_vehicle_id: number; code: string; reason: string }[] },
) =>
  api.post<Batch>(`/api/export/batches/${batchId}/declaration`, body);
export const recordClearance = (batchId: number, body: { cleared_on: string }) =>
  api.post<Batch>(`/api/export/batches/${batchId}/clearance`, body);
export const recordBatchStep = (batchId: number, body: { step: string; on: string | null }) =>
  api.post<Batch>(`/api/export/batches/${batchId}/steps`, body);
export const recordBillOfLading = (
  batchId: number,
  body: { number: string; shipper: string; consignee: string; vessel: string; voyage: string; port_of_loading: string; port_of_discharge: string; issued_on: string },
) => api.put<Batch>(`/api/export/batches/${batchId}/bill-of-lading`, body);

export const listEvents = (batchId: number) =>
  api.get<{ items: ShippingEvent[]; eta: Eta | null }>(`/api/export/batches/${batchId}/events`);
export const recordEvent = (batchId: number, body: EventInput) => api.post<ShippingEvent>(`/api/export/batches/${batchId}/events`, body);
export const importEvents = (org: number, file: File) =>
  api.post<ImportReport>(`${dealer(org)}/events/import`, undefined, { raw: { data: file, contentType: 'text/csv' } });

export const createLink = (orderId: number) => api.post<Link>(`/api/export/orders/${orderId}/consignee-links`);
/** The order's links (tokens are never shown again), and revoking one: the link is dead at once. */
export const listLinks = (orderId: number) => api.get<{ items: Link[] }>(`/api/export/orders/${orderId}/consignee-links`);
export const revokeLink = (linkId: number) => api.delete(`/api/export/consignee-links/${linkId}`);

/** The token travels in a header, never in a URL the server logs (the page keeps it in the fragment). */
export const CONSIGNEE_HEADER = 'X-Consignee-Token';
export const getTrack = (token: string) => api.get<Track>('/api/export/consignee', { headers: { [CONSIGNEE_HEADER]: token } });
/** The buyer back from Stripe's hosted checkout: the order its session paid for (Stripe put the id in our URL). */
export const getTrackAfterCheckout = (sessionId: string) =>
  api.get<Track>('/api/export/consignee/checkout', { headers: { 'X-Checkout-Session': sessionId } });

/** A paper addressed to the consignee, fetched with the token and handed to the browser as a file. */
export async function fetchConsigneeDocument(token: string, id: number): Promise<Blob> {
  const res = await fetch(`/api/export/consignee/documents/${id}`, { headers: { [CONSIGNEE_HEADER]: token } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.blob();
}

/** Stripe's hosted checkout for the order's balance (docs/export.md, "Payments"): minor units of `currency`. */
export interface CardCheckout {
  operation_id: number;
  status: 'pending' | 'open' | 'processing' | 'succeeded' | 'canceled' | 'failed' | string;
  amount_minor: number;
  currency: string;
  url: string | null;
}

export interface CardCheckoutState {
  available: boolean;
  reason: string | null;
  checkout: CardCheckout | null;
}

export const orderCardCheckout = (orderId: number) => api.get<CardCheckoutState>(`/api/export/orders/${orderId}/card-checkout`);
export const openOrderCardCheckout = (orderId: number) => api.post<CardCheckout>(`/api/export/orders/${orderId}/card-checkout`);
