import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, setLocale } from '../../../lib/i18n';
import { ageBand, certificateRows, filingActions, needsReason, type DestinationRule, type Filing } from './api';
import { FilingCard } from './FilingsPage';
import { CertificatesEditor, RuleRow } from './RulesPage';

const filing = (over: Partial<Filing> = {}): Filing => ({
  id: 7,
  exporter_org_id: 42,
  exporter_name: '宁波出口车商',
  filing_no: 'ZJ-BA-001',
  province: '浙江',
  approved_on: '2026-11-01',
  valid_until: '2027-10-31',
  customs_code: '3302960ABC',
  appraisers: [{ name: '张评估' }, { name: '李评估' }, { name: '王评估' }],
  status: 'pending',
  in_force: false,
  renews_id: null,
  decision_reason: '',
  decided_by: null,
  decided_at: null,
  decisions: [],
  documents: [],
  created_at: '2026-11-01T08:00:00Z',
  ...over,
});
const paper = { id: 31, vehicle_id: null, batch_id: null, filing_id: 7, doc_type: 'filing_certificate', number: '备案-001',
  issued_on: '2026-11-01', issuer: '', for_consignee: false, content_type: 'application/pdf', size_bytes: 9,
  created_at: '2026-11-02T08:00:00Z' }; // prettier-ignore
const suspended = filing({
  status: 'suspended',
  decision_reason: '评估师证书过期',
  documents: [paper],
  decisions: [
    { action: 'verify', from_status: 'pending', to_status: 'verified', reason: '', decided_by: 3, decided_by_name: 'Staff Li', decided_at: '2026-11-03T08:00:00Z' },
    { action: 'suspend', from_status: 'verified', to_status: 'suspended', reason: '评估师证书过期', decided_by: 3, decided_by_name: 'Staff Li', decided_at: '2026-11-20T08:00:00Z' },
  ],
});
const noop = () => undefined;

describe('filing decisions', () => {
  it('offers what the status allows, and asks a reason to suspend or reject', () => {
    expect(filingActions('pending')).toEqual(['verify', 'cancel']);
    expect(filingActions('verified')).toEqual(['suspend', 'cancel']);
    expect(filingActions('suspended')).toEqual(['reinstate', 'cancel']);
    expect(filingActions('cancelled')).toEqual([]);
    expect(['verify', 'suspend', 'reinstate', 'cancel'].filter((a) => needsReason(a as never))).toEqual(['suspend', 'cancel']);
  });
});

describe('the staff filing card', () => {
  const initial = getLocale();
  afterEach(() => setLocale(initial));

  it("names the dealer, lists the papers with downloads and the decisions, and offers reinstating", () => {
    setLocale('en');
    const html = renderToString(<FilingCard filing={suspended} onChange={noop} />);
    expect(html).toContain('宁波出口车商 (dealer #42)');
    expect(html).toContain('Filing certificate / approval (备案证明)');
    expect(html).toContain('href="/api/export/documents/31"');
    expect(html).toContain('Suspended by Staff Li');
    expect(html).toContain('评估师证书过期');
    expect(html).toContain('data-testid="filing-reinstate"');
    expect(html).not.toContain('data-testid="filing-suspend"');
    setLocale('zh-CN');
    const zh = renderToString(<FilingCard filing={suspended} onChange={noop} />);
    expect(zh).toContain('宁波出口车商（车商 #42）');
    expect(zh).toContain('已暂停：Staff Li');
    expect(zh).toContain('恢复');
  });

  it('offers suspending a verified filing, verifying a pending one, and says when there are no papers', () => {
    setLocale('en');
    const verified = renderToString(<FilingCard filing={filing({ status: 'verified', in_force: true })} onChange={noop} />);
    expect(verified).toContain('data-testid="filing-suspend"');
    expect(verified).toContain('blocks new export licences');
    expect(verified).toContain('The dealer has uploaded no papers for this filing.');
    const pending = renderToString(<FilingCard filing={filing({ exporter_name: null })} onChange={noop} />);
    expect(pending).toContain('data-testid="filing-verify"');
    expect(pending).toContain('Dealer #42');
    const cancelled = renderToString(<FilingCard filing={filing({ status: 'cancelled' })} onChange={noop} />);
    expect(cancelled).not.toContain('filing-reason');
  });
});

describe('certificates in the rule form', () => {
  const initial = getLocale();
  afterEach(() => setLocale(initial));

  it('sends rows as the API takes them, blanks dropped, an empty upper age meaning no limit', () => {
    expect(
      certificateRows([
        { from: '0', under: '3', certificate: ' type_approval ' },
        { from: '3', under: '', certificate: 'single_vehicle_certificate' },
        { from: '0', under: '', certificate: '' },
        { from: '', under: '', certificate: 'era_glonass' },
      ]),
    ).toEqual([
      { from_years: 0, under_years: 3, certificate: 'type_approval' },
      { from_years: 3, under_years: null, certificate: 'single_vehicle_certificate' },
      { from_years: 0, under_years: null, certificate: 'era_glonass' },
    ]);
    expect(ageBand({ from_years: 0, under_years: 3, certificate: 'x' })).toBe('0–3');
    expect(ageBand({ from_years: 3, under_years: null, certificate: 'x' })).toBe('3+');
  });

  it('words the known certificates in both languages, in the list and in the editor', () => {
    const rule: DestinationRule = {
      id: null, country: 'RU', effective_from: '2015-01-01', source: 'EAEU TR CU 018/2011', max_age_years: null,
      age_basis: 'first_registration', age_counted_at: 'shipment', steering: null, min_euro: null, notes: '',
      certificates: [{ from_years: 0, under_years: 3, certificate: 'type_approval' }, { from_years: 0, under_years: null, certificate: 'era_glonass' }],
      shipped: true, in_force: true,
    }; // prettier-ignore
    setLocale('en');
    const row = renderToString(<table><tbody><RuleRow rule={rule} /></tbody></table>);
    expect(row).toContain('Type approval (ОТТС)');
    expect(row).toContain('0–3 years');
    expect(row).toContain('ERA-GLONASS unit');
    setLocale('zh-CN');
    const zh = renderToString(<table><tbody><RuleRow rule={rule} /></tbody></table>);
    expect(zh).toContain('车辆型式认证（ОТТС）');
    const editor = renderToString(
      <CertificatesEditor rows={[{ from: '3', under: '', certificate: 'single_vehicle_certificate' }]} onChange={noop} onEdit={noop} />,
    );
    expect(editor).toContain('单车认证（СБКТС）');
    expect(editor).toContain('起始车龄（年）');
    expect(editor).toContain('data-testid="rule-certificate-add"');
  });
});
