import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Empty, LoadError, LoadMore, Loading, Notice } from '../../../components/feedback';
import { FormError, SelectField, SubmitButton } from '../../../components/form';
import { useCursorList } from '../../../hooks/use-cursor-list';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { bankLayouts, importStatement, statementImports, type BankLayout, type StatementImport, type StatementRow } from '../api/desk';
import { contentTypeFor, fileFormat, layoutsFor } from '../lib/bank';
import { MappingForm, SavedNotice } from './DeskBankMapping';
import { Queue } from './DeskBankQueue';

/**
 * Upload the file the bank exported; the layout (which column holds what) is chosen by the file's format: the
 * house's saved ones first, then the built-in ones. Another bank's file is mapped here once and saved by name.
 */
function UploadForm({ house, onImported }: { house: number; onImported: () => void }) {
  const { t, tDynamic } = useI18n();
  const [layouts, setLayouts] = useState<BankLayout[]>([]);
  const [file, setFile] = useState<File | null>(null);
  const [layout, setLayout] = useState('');
  const [mapping, setMapping] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [result, setResult] = useState<StatementImport | null>(null);
  const reloadLayouts = useCallback(() => bankLayouts(house).then(setLayouts, () => setLayouts([])), [house]);
  useEffect(() => {
    void reloadLayouts();
  }, [reloadLayouts]);
  const fits = file ? layoutsFor(file.name, layouts) : [];
  const first = fits[0];
  const format = file ? fileFormat(file.name) : null;
  const label = (l: BankLayout) => (l.builtin ? tDynamic(`settlement.bank.layout.${l.name}`, l.name) : l.name);
  const send = useMutation(async (f: File, name: string) => importStatement(house, name, f, contentTypeFor(f.name)));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const chosen = layout || first?.name;
    if (!file || !chosen) return;
    const r = await send.run(file, chosen);
    if (r.ok) {
      setResult(r.value);
      onImported();
    }
  };
  const matched = result ? (result.outcomes.applied ?? 0) + (result.outcomes.matched ?? 0) : 0;
  const unmatched = result ? (result.outcomes.queued ?? 0) + (result.outcomes.flagged ?? 0) : 0;
  return (
    <div className="card">
      <form className="inline-form" onSubmit={submit} data-testid="statement-upload">
        <h3>{t('settlement.bank.upload')}</h3>
        <label className="field">
          <span>{t('settlement.bank.file')}</span>
          <input
            type="file"
            accept=".csv,.xlsx,.txt"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setLayout('');
              setMapping(false);
              setSaved(null);
              setResult(null);
            }}
            data-testid="statement-file"
          />
        </label>
        {file && !fits.length && <p className="field-error" role="alert">{t('settlement.bank.badFile')}</p>}
        {fits.length > 1 && (
          <SelectField
            label={t('settlement.bank.layout')}
            value={layout || first?.name || ''}
            onChange={(e) => setLayout(e.target.value)}
            options={fits.map((l) => ({ value: l.name, label: label(l) }))}
            data-testid="statement-layout"
          />
        )}
        {fits.length === 1 && first && (
          <p className="small">
            {t('settlement.bank.layout')}: {label(first)}
          </p>
        )}
        {file && format && !mapping && (
          <button type="button" className="btn btn-ghost" onClick={() => setMapping(true)} data-testid="statement-map">
            {t('settlement.bank.mapOther')}
          </button>
        )}
        <SubmitButton pending={send.pending}>{t('settlement.bank.import')}</SubmitButton>
        <FormError error={send.error} />
        {saved && <SavedNotice name={saved} />}
        {result && (
          <Notice tone={unmatched ? 'info' : 'success'}>
            <span data-testid="statement-result">
              {result.created
                ? t('settlement.bank.imported', { new: result.lines_new, total: result.lines_total, matched, unmatched })
                : t('settlement.bank.importedAgain')}
            </span>
          </Notice>
        )}
        {result && result.balance_breaks.length > 0 && <Notice tone="warning">{t('settlement.bank.breaks', { count: result.balance_breaks.length })}</Notice>}
      </form>
      {file && format && mapping && (
        <MappingForm
          house={house}
          file={file}
          format={format}
          onCancel={() => setMapping(false)}
          onSaved={(name) => {
            setMapping(false);
            setSaved(name);
            setLayout(name);
            void reloadLayouts();
          }}
        />
      )}
    </div>
  );
}

function Statements({ house, generation }: { house: number; generation: number }) {
  const { t, tDynamic, locale } = useI18n();
  const list = useCursorList<StatementRow>((cursor, signal) => statementImports(house, cursor, signal), [house, generation]);
  return (
    <section aria-labelledby="bank-statements">
      <h3 id="bank-statements">{t('settlement.bank.statements')}</h3>
      {list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : list.loading && !list.items.length ? (
        <Loading />
      ) : !list.items.length ? (
        <Empty>{t('settlement.bank.noStatements')}</Empty>
      ) : (
        <table className="table" data-testid="statements">
          <thead>
            <tr>
              <th>{t('settlement.bank.importedAt')}</th>
              <th>{t('settlement.bank.fileName')}</th>
              <th className="num">{t('settlement.bank.lines')}</th>
              <th className="num">{t('settlement.bank.matched')}</th>
              <th className="num">{t('settlement.bank.unmatched')}</th>
              <th className="num">{t('settlement.bank.excluded')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((s) => (
              <tr key={s.id} data-testid="statement-row">
                <td>{formatDateTime(s.imported_at, locale)}</td>
                <td>
                  {s.filename || '—'} <span className="small">({tDynamic(`settlement.bank.layout.${s.layout}`, s.layout)})</span>
                </td>
                <td className="num" data-label={t('settlement.bank.lines')}>{s.lines_new}</td>
                <td className="num" data-label={t('settlement.bank.matched')} data-testid="statement-matched">{s.matched}</td>
                <td className="num" data-label={t('settlement.bank.unmatched')} data-testid="statement-unmatched">{s.unmatched}</td>
                <td className="num" data-label={t('settlement.bank.excluded')}>{s.excluded}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
    </section>
  );
}

/** The bank tab: upload a statement, work the unmatched lines, and see each statement's lines as they stand. */
export function DeskBank({ house }: { house: number }) {
  const [generation, setGeneration] = useState(0);
  const bump = useCallback(() => setGeneration((g) => g + 1), []);
  return (
    <section>
      <UploadForm house={house} onImported={bump} />
      <Queue house={house} generation={generation} onResolved={bump} />
      <Statements house={house} generation={generation} />
    </section>
  );
}
