import { describe, expect, it } from 'vitest';
import { buyerTransferAction, normaliseCode, paymentReference, transferSteps } from './handover';

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
