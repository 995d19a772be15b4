import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { LoadError, Loading, Notice } from '../../../components/feedback';
import { FormError, SubmitButton } from '../../../components/form';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import { useSession } from '../../../lib/session';
import { getListing, setCondition, uploadPhoto, type Grade, type Listing, type Photo } from '../api/listings';
import { managesListing } from '../lib/manages';
import { checkCondition, GRADES, isValid, MAX_ITEM, MAX_NOTE, type ConditionRow, type RowProblem } from '../lib/condition';

/** Usual inspection items, offered as suggestions (any name may be typed). */
const SUGGESTED = ['外观 Exterior', '内饰 Interior', '发动机 Engine', '变速箱 Gearbox', '底盘 Chassis', '电气 Electrics', '轮胎 Tyres', '动力电池 Battery'];

export function ConditionEditor({ id }: { id: number }) {
  const { t } = useI18n();
  const session = useSession();
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [rows, setRows] = useState<ConditionRow[]>([]);
  const nextKey = useRef(1);
  const newRow = (item = '', grade: Grade = 'B', note = '', photo_id: number | null = null): ConditionRow => ({
    key: nextKey.current++,
    item,
    grade,
    note,
    photo_id,
  });
  const load = useCallback(() => {
    setError(null);
    getListing(id).then((l) => {
      setListing(l);
      setRows(l.condition.length ? l.condition.map((c) => newRow(c.item, c.grade as Grade, c.note, c.photo_id)) : [newRow()]);
    }, setError);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);
  useEffect(load, [load]);
  useDocumentTitle(listing ? t('listings.condition.title', { title: listing.title }) : t('listings.condition.edit'));
  const [problems, setProblems] = useState<Record<number, RowProblem>>({});
  const [tooMany, setTooMany] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = useMutation(async (items: Parameters<typeof setCondition>[1]) => setCondition(id, items));
  // A photo for an item is one of the car's photos: pick an uploaded one, or upload it from the row.
  const attach = useMutation(async ({ key, file }: { key: number; file: File }) => {
    const photo = await uploadPhoto(id, file);
    setListing((l) => (l ? { ...l, photos: [...l.photos, photo] } : l));
    setSaved(false);
    setRows((rs) => rs.map((x) => (x.key === key ? { ...x, photo_id: photo.id } : x)));
  });

  if (error) return <LoadError error={error} onRetry={load} />;
  if (!listing) return <Loading />;
  if (!managesListing(session.me, listing)) return <Notice tone="warning">{t('listings.condition.notDealer')}</Notice>;

  const update = (key: number, patch: Partial<ConditionRow>) => {
    setSaved(false);
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = checkCondition(rows);
    setProblems(checked.problems);
    setTooMany(checked.tooMany);
    setSaved(false);
    if (!isValid(checked)) return;
    const result = await save.run(checked.items);
    if (result.ok) {
      setListing(result.value);
      setSaved(true);
    }
  };
  const invalid = Object.keys(problems).length > 0 || tooMany;
  return (
    <div className="page wide">
      <h1>{t('listings.condition.title', { title: listing.title })}</h1>
      <form onSubmit={submit} noValidate data-testid="condition-form">
        <datalist id="condition-items">
          {SUGGESTED.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        {rows.length === 0 && <p className="muted">{t('listings.condition.empty')}</p>}
        <table className="table condition-table">
          <thead>
            <tr>
              <th>{t('listings.condition.item')}</th>
              <th>{t('listings.condition.grade')}</th>
              <th>{t('listings.condition.note')}</th>
              <th>{t('listings.condition.photo')}</th>
              <th>{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const p = problems[r.key] ?? {};
              return (
                <tr key={r.key} data-testid="condition-row">
                  <td>
                    <input
                      aria-label={`${t('listings.condition.item')} ${i + 1}`}
                      list="condition-items"
                      value={r.item}
                      maxLength={MAX_ITEM + 20}
                      aria-invalid={p.item ? true : undefined}
                      onChange={(e) => update(r.key, { item: e.target.value })}
                      data-testid="condition-item"
                    />
                    {p.item && (
                      <p className="field-error" data-testid="condition-problem">
                        {t(`listings.condition.${p.item}`)}
                      </p>
                    )}
                  </td>
                  <td>
                    <select
                      aria-label={`${t('listings.condition.grade')} ${i + 1}`}
                      value={r.grade}
                      onChange={(e) => update(r.key, { grade: e.target.value as Grade })}
                      data-testid="condition-grade"
                    >
                      {GRADES.map((g) => (
                        <option key={g} value={g}>
                          {t(`listings.grade.${g}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <textarea
                      aria-label={`${t('listings.condition.note')} ${i + 1}`}
                      value={r.note}
                      rows={1}
                      aria-invalid={p.note ? true : undefined}
                      onChange={(e) => update(r.key, { note: e.target.value })}
                      data-testid="condition-note"
                    />
                    {p.note && (
                      <p className="field-error" data-testid="condition-problem">
                        {t(`listings.condition.${p.note}`)} ({r.note.trim().length}/{MAX_NOTE})
                      </p>
                    )}
                  </td>
                  <td className="condition-photo-cell">
                    <ItemPhoto photo={listing.photos.find((ph) => ph.id === r.photo_id)} />
                    <select
                      aria-label={`${t('listings.condition.photo')} ${i + 1}`}
                      value={r.photo_id ?? ''}
                      onChange={(e) => update(r.key, { photo_id: e.target.value ? Number(e.target.value) : null })}
                      data-testid="condition-photo"
                    >
                      <option value="">{t('listings.condition.noPhoto')}</option>
                      {listing.photos.map((ph, n) => (
                        <option key={ph.id} value={ph.id}>
                          {t('listings.condition.photoN', { n: n + 1 })}
                        </option>
                      ))}
                    </select>
                    <label className="btn btn-ghost btn-small">
                      {attach.pending ? t('listings.condition.uploading') : t('listings.condition.uploadPhoto')}
                      <input
                        type="file"
                        accept="image/jpeg,image/png,image/webp"
                        hidden
                        disabled={attach.pending}
                        data-testid="condition-photo-input"
                        onChange={(e) => {
                          const file = e.target.files?.[0];
                          e.target.value = '';
                          if (file) void attach.run({ key: r.key, file });
                        }}
                      />
                    </label>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-ghost"
                      onClick={() => {
                        setSaved(false);
                        setRows((rs) => rs.filter((x) => x.key !== r.key));
                      }}
                      data-testid="condition-remove"
                    >
                      {t('listings.condition.remove')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <div className="row-actions">
          <button type="button" className="btn" onClick={() => setRows((rs) => [...rs, newRow()])} data-testid="condition-add">
            + {t('listings.condition.add')}
          </button>
          <SubmitButton pending={save.pending}>{t('listings.condition.save')}</SubmitButton>
        </div>
        {tooMany && <p className="alert alert-error" role="alert">{t('listings.condition.tooMany')}</p>}
        {invalid && !tooMany && (
          <p className="alert alert-error" role="alert">
            {t('listings.condition.fix')}
          </p>
        )}
        <FormError error={attach.error} />
        <FormError error={save.error} />
        {saved && (
          <Notice>
            {t('listings.condition.saved')}{' '}
            <Link to={`/listings/${listing.id}`} data-testid="condition-view">
              {t('listings.condition.view')}
            </Link>
          </Notice>
        )}
      </form>
    </div>
  );
}

function ItemPhoto({ photo }: { photo: Photo | undefined }) {
  if (!photo) return null;
  return (
    <a href={photo.url} target="_blank" rel="noreferrer">
      <img className="condition-thumb" src={photo.thumb_url ?? photo.url} alt="" data-testid="condition-photo-thumb" />
    </a>
  );
}
