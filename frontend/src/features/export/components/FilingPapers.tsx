import { useState, type FormEvent } from 'react';
import { Notice } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import { FILING_DOCUMENT_KINDS, exportDocumentUrl, uploadFilingDocument, type Filing } from '../api/export';

/** The filing's papers (its 备案 certificate, the appraisers' certificates): listed with downloads, and an upload
 * (PDF, JPEG or PNG up to 10 MB, checked by the server as every export paper) so staff can verify the filing. */
export function FilingPapers({ filing, onDone }: { filing: Filing; onDone: () => void }) {
  const { t, tDynamic } = useI18n();
  const [kind, setKind] = useState<string>(FILING_DOCUMENT_KINDS[0]);
  const [number, setNumber] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [uploaded, setUploaded] = useState<string | null>(null);
  const upload = useMutation(uploadFilingDocument);
  const papers = filing.documents ?? [];

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    const r = await upload.run(filing.id, kind, file, { number: number.trim() });
    if (r.ok) {
      setUploaded(file.name);
      setFile(null);
      setNumber('');
      (e.target as HTMLFormElement).reset();
      onDone();
    }
  }

  return (
    <div className="export-filing-papers" data-testid="filing-papers">
      <h3>{t('export.filing.papers')}</h3>
      {papers.length === 0 ? (
        <p className="muted">{t('export.filing.papersNone')}</p>
      ) : (
        <ul className="export-doc-list">
          {papers.map((d) => (
            <li key={d.id} data-testid="filing-paper">
              {tDynamic(`export.doc.${d.doc_type}`, d.doc_type)} {d.number && <span className="mono">{d.number}</span>}{' '}
              <a href={exportDocumentUrl(d.id)} download>
                {t('export.filing.download')}
              </a>
            </li>
          ))}
        </ul>
      )}
      <form className="export-step-form" onSubmit={submit}>
        <label className="field">
          <span>{t('export.doc.kind')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value)} data-testid="filing-paper-kind">
            {FILING_DOCUMENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {tDynamic(`export.doc.${k}`, k)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('export.filing.paperNumber')}</span>
          <input value={number} maxLength={60} onChange={(e) => setNumber(e.target.value)} data-testid="filing-paper-number" />
        </label>
        <label className="field">
          <span>{t('export.doc.file')}</span>
          <input
            type="file"
            accept="application/pdf,image/jpeg,image/png"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            data-testid="filing-paper-file"
          />
        </label>
        <p className="muted small">{t('export.filing.papersHint')}</p>
        <button className="btn btn-secondary btn-small" disabled={!file || upload.pending} data-testid="filing-paper-upload">
          {t('export.doc.upload')}
        </button>
      </form>
      <FormError error={upload.error} />
      {uploaded && <Notice>{t('export.doc.uploaded', { filename: uploaded })}</Notice>}
    </div>
  );
}
