/** Shapes of the export API shared by the exporter's desk (features/export) and the staff pages
 * (features/admin/export): docs/export.md, "Filing" and "Staff decisions"; src/export/schemas. */

export type FilingStatus = 'pending' | 'verified' | 'suspended' | 'cancelled';

export type FilingAction = 'verify' | 'suspend' | 'reinstate' | 'cancel';

/** The exporter's filing (备案): one year from approval; only a verified one in force lets licences through. */
export interface Filing {
  id: number;
  exporter_org_id: number;
  filing_no: string;
  province: string;
  approved_on: string;
  valid_until: string;
  customs_code: string;
  appraisers: { name: string; certificate_no?: string }[];
  status: FilingStatus;
  in_force: boolean;
  renews_id: number | null;
  decision_reason: string;
  decided_by: number | null;
  decided_at: string | null;
  /** The dealer organisation's name: staff answers only (null in the dealer's own). */
  exporter_name?: string | null;
  /** Every staff decision, oldest first (a reinstatement keeps the suspension before it). */
  decisions?: FilingDecision[];
  /** The filing's papers: its certificate / approval scan, the appraisers' certificates. */
  documents?: ExportDocument[];
  created_at: string;
}

export interface FilingDecision {
  action: FilingAction;
  from_status: FilingStatus;
  to_status: FilingStatus;
  reason: string;
  decided_by: number;
  decided_by_name: string;
  decided_at: string;
}

export interface ExportDocument {
  id: number;
  vehicle_id: number | null;
  batch_id: number | null;
  filing_id?: number | null;
  doc_type: string;
  number: string;
  issued_on: string | null;
  issuer: string;
  for_consignee: boolean;
  content_type: string;
  size_bytes: number;
  created_at: string;
}
