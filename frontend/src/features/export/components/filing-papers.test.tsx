import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '../../../lib/i18n';
import type { Filing } from '../api/export';
import { FilingPapers } from './FilingPapers';

const filing = (documents: Filing['documents']): Filing => ({
  id: 7, exporter_org_id: 42, filing_no: 'ZJ-BA-001', province: '浙江', approved_on: '2026-11-01',
  valid_until: '2027-10-31', customs_code: '3302960ABC', appraisers: [], status: 'suspended', in_force: false,
  renews_id: null, decision_reason: '评估师证书过期', decided_by: 3, decided_at: '2026-11-20T08:00:00Z',
  exporter_name: null, decisions: [], documents, created_at: '2026-11-01T08:00:00Z',
}); // prettier-ignore
const paper = { id: 31, vehicle_id: null, batch_id: null, filing_id: 7, doc_type: 'appraiser_certificate', number: '评-9',
  issued_on: null, issuer: '', for_consignee: false, content_type: 'image/png', size_bytes: 9,
  created_at: '2026-11-02T08:00:00Z' }; // prettier-ignore

describe("the filing's papers on the desk", () => {
  const initial = getLocale();
  afterEach(() => setLocale(initial));

  it('lists each paper with its download and offers the upload, in both languages', () => {
    setLocale('zh-CN');
    const zh = renderToString(<FilingPapers filing={filing([paper])} onDone={() => undefined} />);
    expect(zh).toContain('备案材料');
    expect(zh).toContain('评估师证书');
    expect(zh).toContain('href="/api/export/documents/31"');
    expect(zh).toContain('data-testid="filing-paper-upload"');
    expect(zh).toContain('accept="application/pdf,image/jpeg,image/png"');
    setLocale('en');
    const en = renderToString(<FilingPapers filing={filing([])} onDone={() => undefined} />);
    expect(en).toContain('No papers uploaded yet: upload the filing certificate so staff can verify it.');
    expect(en).toContain('Filing certificate / approval (备案证明)');
  });
});
