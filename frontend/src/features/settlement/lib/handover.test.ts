import { describe, expect, it } from 'vitest';
import { EVIDENCE_MAX_BYTES, buyerTransferAction, escalatesTo, evidenceProblem, normaliseCode, paymentReference, transferSteps } from './handover';

describe('paymentReference', () => {
  it('is INV followed by the invoice number, as the PDF prints it', () => {
    expect(paymentReference({ number: '2026-000123' })).toBe('INV2026-000123');
  });
});

describe('transferSteps', () => {
  const done = (status: Parameters<typeof transferSteps>[0]['status'], proof = false) =>
    transferSteps({ status, proof_uploaded: proof })
      .filter((s) => s.done)
      .map((s) => s.step);
  it('marks nothing done while pending', () => expect(done('pending')).toEqual([]));
  it('counts documents, then filing, then the proof', () => {
    expect(done('documents_handed')).toEqual(['documents_handed']);
    expect(done('filed')).toEqual(['documents_handed', 'filed']);
    expect(done('filed', true)).toEqual(['documents_handed', 'filed', 'proof']);
  });
  it('marks every step done once confirmed', () => expect(done('done')).toEqual(['documents_handed', 'filed', 'proof', 'done']));
  it('marks nothing done on a cancelled transfer', () => expect(done('cancelled', true)).toEqual([]));
});

describe('buyerTransferAction', () => {
  it('asks the buyer to file after the documents, then to send the proof, then nothing', () => {
    expect(buyerTransferAction({ status: 'pending', proof_uploaded: false })).toBeNull();
    expect(buyerTransferAction({ status: 'documents_handed', proof_uploaded: false })).toBe('file');
    expect(buyerTransferAction({ status: 'filed', proof_uploaded: true })).toBe('proof');
    expect(buyerTransferAction({ status: 'done', proof_uploaded: true })).toBeNull();
  });
});

describe('normaliseCode', () => {
  it('upper-cases and drops spaces and dashes', () => expect(normaliseCode(' abcd-efgh ')).toBe('ABCDEFGH'));
});

describe('dispute evidence and escalation', () => {
  it('takes JPEG, PNG and WebP photos up to the server’s limit', () => {
    expect(evidenceProblem({ type: 'image/jpeg', size: 1000 })).toBeNull();
    expect(evidenceProblem({ type: 'image/webp', size: EVIDENCE_MAX_BYTES })).toBeNull();
    expect(evidenceProblem({ type: 'image/png', size: EVIDENCE_MAX_BYTES + 1 })).toBe('size');
    expect(evidenceProblem({ type: 'application/pdf', size: 10 })).toBe('type');
    expect(evidenceProblem({ type: 'image/gif', size: 10 })).toBe('type');
    expect(evidenceProblem({ type: 'image/png', size: 0 })).toBe('empty');
  });
  it('goes up in the seed’s order after an answer, and not after an unwind', () => {
    expect(escalatesTo({ status: 'answered', level: 'house', answer: 'rejected' })).toBe('association');
    expect(escalatesTo({ status: 'answered', level: 'association', answer: 'price_adjustment' })).toBe('authorities');
    expect(escalatesTo({ status: 'answered', level: 'authorities', answer: 'rejected' })).toBeNull();
    expect(escalatesTo({ status: 'open', level: 'house', answer: null })).toBeNull();
    expect(escalatesTo({ status: 'answered', level: 'house', answer: 'unwind' })).toBeNull();
  });
});
