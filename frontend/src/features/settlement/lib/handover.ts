/** Pure helpers of the after-sale screens: the payment reference, the 过户 steps, the gate-pass code as typed. */
import type { Invoice } from '../api/settlement';
import type { Transfer, TransferStatus } from '../api/handover';

/** The reference the buyer writes on the bank transfer: what the invoice PDF prints (services/documents.py). */
export function paymentReference(invoice: Pick<Invoice, 'number'>): string {
  return `INV${invoice.number}`;
}

export type TransferStep = 'documents_handed' | 'filed' | 'proof' | 'done';
export const TRANSFER_STEPS: readonly TransferStep[] = ['documents_handed', 'filed', 'proof', 'done'];

const RANK: Record<TransferStatus, number> = { pending: 0, documents_handed: 1, filed: 2, done: 4, cancelled: -1 };

/** Each step of the 过户 with whether it is done; the proof counts once uploaded (the house confirms it). */
export function transferSteps(t: Pick<Transfer, 'status' | 'proof_uploaded'>): { step: TransferStep; done: boolean }[] {
  const rank = RANK[t.status];
  return TRANSFER_STEPS.map((step) => ({
    step,
    done:
      rank >= 0 &&
      (step === 'documents_handed' ? rank >= 1 : step === 'filed' ? rank >= 2 : step === 'proof' ? t.proof_uploaded || rank >= 4 : rank >= 4),
  }));
}

/** The buyer's next move on the 过户, if any: file it once the documents are handed, then send the proof. */
export function buyerTransferAction(t: Pick<Transfer, 'status' | 'proof_uploaded'>): 'file' | 'proof' | null {
  if (t.status === 'documents_handed') return 'file';
  if (t.status === 'filed') return 'proof';
  return null;
}

/** A gate-pass code as the yard types it, tidied for display (the server ignores case, spaces and dashes too). */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]+/g, '');
}

/** The photo types and size the server takes as dispute evidence (routes/disputes.py, the app's body limit). */
export const EVIDENCE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const EVIDENCE_MAX_BYTES = 1024 * 1024;

/** Why a chosen file cannot be sent as evidence, or null; the server checks the bytes again. */
export function evidenceProblem(file: Pick<File, 'type' | 'size'>): 'type' | 'size' | 'empty' | null {
  if (!(EVIDENCE_TYPES as readonly string[]).includes(file.type)) return 'type';
  if (file.size === 0) return 'empty';
  if (file.size > EVIDENCE_MAX_BYTES) return 'size';
  return null;
}

export type DisputeLevel = 'house' | 'association' | 'authorities';
const NEXT_LEVEL: Record<DisputeLevel, DisputeLevel | null> = { house: 'association', association: 'authorities', authorities: null };

/** Where the buyer may take an answered dispute next (the seed's order), or null; an unwound sale goes nowhere. */
export function escalatesTo(d: { status: string; level: string; answer: string | null }): DisputeLevel | null {
  if (d.status !== 'answered' || d.answer === 'unwind') return null;
  return NEXT_LEVEL[d.level as DisputeLevel] ?? null;
}
