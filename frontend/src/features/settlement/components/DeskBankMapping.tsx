import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { LoadError, Loading, Notice } from '../../../components/feedback';
import { FormError, SelectField, SubmitButton, TextField } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import { previewStatement, saveLayout } from '../api/desk';
import { contentTypeFor } from '../lib/bank';
import {
  MAPPING_FIELDS,
  guessHeader,
  guessMapping,
  mappingBody,
  mappingProblem,
  previewLines,
  validLayoutName,
  type AmountMode,
  type MappingColumns,
  type MappingField,
} from '../lib/mapping';

const shown = (mode: AmountMode) => MAPPING_FIELDS.filter((f) => (mode === 'signed' ? f !== 'debit' && f !== 'credit' : f !== 'amount'));

/**
 * A bank the app has no layout for: the file's first rows (read by the server, CSV or XLSX), a choice of the header
 * row and of the column of each field, the first lines as the import will read them, and the layout saved by name.
 */
export function MappingForm({ house, file, format, onSaved, onCancel }: {
  house: number;
  file: File;
  format: 'csv' | 'xlsx';
  onSaved: (name: string) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [rows, setRows] = useState<string[][] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [headerIndex, setHeaderIndex] = useState(0);
  const [columns, setColumns] = useState<MappingColumns | null>(null);
  const [mode, setMode] = useState<AmountMode>('signed');
  const [name, setName] = useState('');
  const [tried, setTried] = useState(false);
  const pickHeader = (all: string[][], index: number) => {
    setHeaderIndex(index);
    const guess = guessMapping(all[index] ?? []);
    setColumns(guess.columns);
    setMode(guess.mode);
  };
  const load = () => {
    setError(null);
    previewStatement(house, file, format, contentTypeFor(file.name)).then((r) => {
      setRows(r.rows);
      pickHeader(r.rows, guessHeader(r.rows));
    }, setError);
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(load, [house, file, format]);
  const header = rows?.[headerIndex] ?? [];
  const lines = useMemo(() => (rows && columns ? previewLines(rows, headerIndex, columns, mode) : []), [rows, columns, headerIndex, mode]);
  const save = useMutation(async (body: ReturnType<typeof mappingBody>) => {
    const saved = await saveLayout(house, name.trim(), body);
    onSaved(saved.name);
  });
  if (error) return <LoadError error={error} onRetry={load} />;
  if (!rows || !columns) return <Loading />;
  const problem = mappingProblem(columns, mode);
  const badName = !validLayoutName(name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!problem && !badName) void save.run(mappingBody(columns, mode, format));
  };
  const set = (field: MappingField, value: string) => setColumns({ ...columns, [field]: value });
  const options = [{ value: '', label: t('settlement.bank.map.none') }, ...header.filter((h) => h.trim()).map((h) => ({ value: h, label: h }))];
  return (
    <form className="card mapping-form" onSubmit={submit} data-testid="mapping-form">
      <h4>{t('settlement.bank.map.title')}</h4>
      <p className="small">{t('settlement.bank.map.intro')}</p>
      <SelectField
        label={t('settlement.bank.map.header')}
        value={String(headerIndex)}
        onChange={(e) => pickHeader(rows, Number(e.target.value))}
        options={rows.slice(0, 20).map((r, i) => ({ value: String(i), label: t('settlement.bank.map.row', { n: i + 1, text: r.join(' | ').slice(0, 80) }) }))}
        data-testid="mapping-header"
      />
      <SelectField
        label={t('settlement.bank.map.mode')}
        value={mode}
        onChange={(e) => setMode(e.target.value as AmountMode)}
        options={(['signed', 'split'] as const).map((m) => ({ value: m, label: t(`settlement.bank.map.mode.${m}`) }))}
        data-testid="mapping-mode"
      />
      <div className="mapping-fields">
        {shown(mode).map((f) => (
          <SelectField
            key={f}
            label={t(`settlement.bank.map.field.${f}`)}
            value={columns[f]}
            onChange={(e) => set(f, e.target.value)}
            options={options}
            data-testid={`mapping-${f}`}
          />
        ))}
      </div>
      <h5>{t('settlement.bank.map.preview')}</h5>
      {lines.length ? (
        <div className="table-scroll">
          <table className="table" data-testid="mapping-preview">
            <thead>
              <tr>
                {shown(mode)
                  .filter((f) => columns[f])
                  .map((f) => (
                    <th key={f}>{t(`settlement.bank.map.field.${f}`)}</th>
                  ))}
              </tr>
            </thead>
            <tbody>
              {lines.map((line, i) => (
                <tr key={i}>
                  {shown(mode)
                    .filter((f) => columns[f])
                    .map((f) => (
                      <td key={f} data-label={t(`settlement.bank.map.field.${f}`)}>{line[f] || '—'}</td>
                    ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="small">{t('settlement.bank.map.noLines')}</p>
      )}
      {problem && (tried || columns.booked_at) && <p className="field-error" role="alert" data-testid="mapping-problem">{t(`settlement.bank.map.problem.${problem}`)}</p>}
      <TextField
        label={t('settlement.bank.map.name')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        maxLength={60}
        required
        error={tried && badName ? t('settlement.bank.map.badName') : undefined}
        data-testid="mapping-name"
      />
      <SubmitButton pending={save.pending}>{t('settlement.bank.map.save')}</SubmitButton>{' '}
      <button type="button" className="btn btn-ghost" onClick={onCancel}>
        {t('settlement.bank.map.cancel')}
      </button>
      <FormError error={save.error} />
    </form>
  );
}

export function SavedNotice({ name }: { name: string }) {
  const { t } = useI18n();
  return (
    <Notice tone="success">
      <span data-testid="mapping-saved">{t('settlement.bank.map.saved', { name })}</span>
    </Notice>
  );
}
