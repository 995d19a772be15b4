import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { LoadError, Loading, Notice } from '../../../components/feedback';
import { FormError, SelectField, TextField } from '../../../components/form';
import { MoneyInput } from '../../../components/money-input';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMutation } from '../../../hooks/use-mutation';
import { serverFieldErrors } from '../../../lib/errors';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { createListing, getListing, updateListing, uploadPhoto, type Listing, type Photo } from '../api/listings';
import { fenToInput, parseMoney } from '../../../lib/money-input';
import { vinProblem } from '../lib/validate';

const ENERGIES = ['ice', 'bev', 'phev', 'hev', 'fcev'] as const;
const BODIES = ['sedan', 'suv', 'mpv', 'hatchback', 'coupe', 'pickup', 'wagon'] as const;

interface FormState {
  vin: string;
  make: string;
  model: string;
  series: string;
  energy_type: string;
  body_type: string;
  model_year: string;
  first_registration: string;
  mileage_km: string;
  transfers: string;
  plate_prefix: string;
  colour: string;
  price: string;
  negotiable: boolean;
  description: string;
}

/** Where the API puts each field (a validation issue's loc), so its message shows next to its input. */
const SERVER_FIELD: Record<keyof FormState, string> = {
  vin: 'vehicle.vin', make: 'vehicle.make', model: 'vehicle.model', series: 'vehicle.series',
  energy_type: 'vehicle.energy_type', body_type: 'vehicle.body_type', model_year: 'vehicle.model_year',
  first_registration: 'vehicle.first_registration', mileage_km: 'vehicle.mileage_km', transfers: 'vehicle.transfers',
  plate_prefix: 'vehicle.plate_prefix', colour: 'vehicle.colour', price: 'price_fen', negotiable: 'negotiable',
  description: 'description',
};

const LABEL: Record<keyof FormState, MessageKey> = {
  vin: 'listings.form.vin', make: 'listings.form.make', model: 'listings.form.model', series: 'listings.form.series',
  energy_type: 'listings.form.energy', body_type: 'listings.form.body', model_year: 'listings.form.year',
  first_registration: 'listings.form.firstRegistration', mileage_km: 'listings.form.mileage',
  transfers: 'listings.form.transfers', plate_prefix: 'listings.form.plate', colour: 'listings.form.colour',
  price: 'listings.form.price', negotiable: 'listings.form.negotiable', description: 'listings.form.description',
};

const BLANK: FormState = {
  vin: '', make: '', model: '', series: '', energy_type: 'ice', body_type: 'sedan', model_year: '',
  first_registration: '', mileage_km: '0', transfers: '0', plate_prefix: '', colour: '', price: '', negotiable: true,
  description: '',
};

function fromListing(l: Listing): FormState {
  const v = l.vehicle;
  return {
    vin: v.vin, make: v.make, model: v.model, series: v.series, energy_type: v.energy_type, body_type: v.body_type,
    model_year: v.model_year ? String(v.model_year) : '', first_registration: v.first_registration ?? '',
    mileage_km: String(v.mileage_km), transfers: String(v.transfers), plate_prefix: v.plate_prefix, colour: v.colour,
    price: fenToInput(l.price_fen, 'wan'), negotiable: l.negotiable, description: l.description,
  };
}

export function ListingForm({ orgId, listingId }: { orgId: number | null; listingId: number | null }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [form, setForm] = useState<FormState>(BLANK);
  const [listing, setListing] = useState<Listing | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [errors, setErrors] = useState<Partial<Record<keyof FormState, string>>>({});
  const [saved, setSaved] = useState(false);
  useDocumentTitle(listingId ? t('listings.form.editTitle') : t('listings.form.newTitle'));

  useEffect(() => {
    if (listingId) getListing(listingId).then((l) => (setListing(l), setForm(fromListing(l))), setLoadError);
  }, [listingId]);

  const save = useMutation(async (f: FormState) => {
    const price_fen = parseMoney(f.price, 'wan')!;
    const int = (s: string) => (s.trim() ? Number(s) : null);
    if (listing) {
      return updateListing(listing.id, {
        price_fen, negotiable: f.negotiable, description: f.description,
        vehicle: { series: f.series, colour: f.colour, mileage_km: int(f.mileage_km) ?? 0, transfers: int(f.transfers) ?? 0 },
      });
    }
    return createListing({
      dealer_org_id: orgId, price_fen, negotiable: f.negotiable, description: f.description,
      vehicle: {
        vin: f.vin.trim().toUpperCase(), make: f.make, model: f.model, series: f.series, energy_type: f.energy_type,
        body_type: f.body_type, model_year: int(f.model_year), first_registration: f.first_registration || null,
        mileage_km: int(f.mileage_km) ?? 0, transfers: int(f.transfers) ?? 0, plate_prefix: f.plate_prefix,
        colour: f.colour,
      },
    });
  });

  const set = (k: keyof FormState) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems: Partial<Record<keyof FormState, string>> = {};
    const vin = vinProblem(form.vin);
    if (!listing && vin) problems.vin = t('listings.form.vinInvalid');
    if (!listing && !form.make.trim()) problems.make = t('listings.form.required');
    if (!listing && !form.model.trim()) problems.model = t('listings.form.required');
    if (parseMoney(form.price, 'wan') === undefined) problems.price = t('listings.form.priceInvalid');
    setErrors(problems);
    if (Object.keys(problems).length) return;
    const result = await save.run(form);
    if (result.ok) {
      setSaved(true);
      setListing(result.value);
      if (!listing) navigate(`/dealer/listings/${result.value.id}/edit`, { replace: true });
    }
  };
  if (loadError) return <LoadError error={loadError} />;
  if (listingId && !listing) return <Loading />;
  const server = serverFieldErrors(save.error);
  const err = (k: keyof FormState) => errors[k] ?? server[SERVER_FIELD[k]];
  const labels = Object.fromEntries(
    (Object.keys(SERVER_FIELD) as (keyof FormState)[]).map((k) => [SERVER_FIELD[k], t(LABEL[k])]),
  );
  return (
    <div className="page narrow">
      <h1>{listing ? t('listings.form.editTitle') : t('listings.form.newTitle')}</h1>
      <form onSubmit={submit} noValidate data-testid="listing-form">
        <TextField label={t('listings.form.vin')} value={form.vin} onChange={set('vin')} disabled={!!listing} error={err('vin')} maxLength={17} />
        <div className="field-pair">
          <TextField label={t('listings.form.make')} value={form.make} onChange={set('make')} disabled={!!listing} error={err('make')} />
          <TextField label={t('listings.form.model')} value={form.model} onChange={set('model')} disabled={!!listing} error={err('model')} />
        </div>
        <TextField label={t('listings.form.series')} value={form.series} onChange={set('series')} error={err('series')} />
        <div className="field-pair">
          <SelectField label={t('listings.form.energy')} value={form.energy_type} onChange={set('energy_type')} disabled={!!listing}
            options={ENERGIES.map((e) => ({ value: e, label: t(`listings.energy.${e}`) }))} error={err('energy_type')} />
          <SelectField label={t('listings.form.body')} value={form.body_type} onChange={set('body_type')} disabled={!!listing}
            options={BODIES.map((b) => ({ value: b, label: t(`listings.body.${b}`) }))} error={err('body_type')} />
        </div>
        <div className="field-pair">
          <TextField label={t('listings.form.year')} value={form.model_year} onChange={set('model_year')} inputMode="numeric" disabled={!!listing} error={err('model_year')} />
          <TextField label={t('listings.form.firstRegistration')} type="date" value={form.first_registration} onChange={set('first_registration')} disabled={!!listing} error={err('first_registration')} />
        </div>
        <div className="field-pair">
          <TextField label={t('listings.form.mileage')} value={form.mileage_km} onChange={set('mileage_km')} inputMode="numeric" error={err('mileage_km')} />
          <TextField label={t('listings.form.transfers')} value={form.transfers} onChange={set('transfers')} inputMode="numeric" error={err('transfers')} />
        </div>
        <div className="field-pair">
          <TextField label={t('listings.form.plate')} value={form.plate_prefix} onChange={set('plate_prefix')} disabled={!!listing} error={err('plate_prefix')} />
          <TextField label={t('listings.form.colour')} value={form.colour} onChange={set('colour')} error={err('colour')} />
        </div>
        <MoneyInput label={t('listings.form.price')} unit="wan" value={form.price} onValueChange={(price) => setForm({ ...form, price })}
          error={err('price')} data-testid="listing-price-input" />
        <label className="facet-option">
          <input type="checkbox" checked={form.negotiable} onChange={() => setForm({ ...form, negotiable: !form.negotiable })} /> {t('listings.form.negotiable')}
        </label>
        <div className="field">
          <label htmlFor="listing-description">{t('listings.form.description')}</label>
          <textarea id="listing-description" value={form.description} onChange={set('description')} maxLength={5000}
            aria-invalid={err('description') ? true : undefined} />
          {err('description') && <p className="field-error">{err('description')}</p>}
        </div>
        <FormError error={save.error} fields={Object.values(SERVER_FIELD)} labels={labels} />
        {saved && <Notice>{t('listings.form.saved')}</Notice>}
        <button type="submit" className="btn btn-primary" disabled={save.pending} data-testid="listing-save">
          {t('listings.form.save')}
        </button>
      </form>
      {listing && <Photos listing={listing} />}
    </div>
  );
}

function Photos({ listing }: { listing: Listing }) {
  const { t } = useI18n();
  const [photos, setPhotos] = useState<Photo[]>(listing.photos);
  const [previews, setPreviews] = useState<string[]>([]);
  const upload = useMutation(async (files: File[]) => {
    setPreviews(files.map((f) => URL.createObjectURL(f)));
    for (const file of files) {
      const photo = await uploadPhoto(listing.id, file);
      setPhotos((current) => [...current, photo]);
    }
    setPreviews([]);
  });
  return (
    <section className="card">
      <h2>{t('listings.form.photos')}</h2>
      <div className="gallery-strip">
        {photos.map((p) => (
          <img key={p.id} src={p.thumb_url ?? p.url} alt="" />
        ))}
        {previews.map((src) => (
          <img key={src} src={src} alt="" className="preview" />
        ))}
      </div>
      <label className="btn">
        {t('listings.form.addPhotos')}
        <input type="file" accept="image/jpeg,image/png,image/webp" multiple hidden data-testid="photo-input"
          onChange={(e) => void upload.run(Array.from(e.target.files ?? []))} />
      </label>
      <p className="field-hint">{t('listings.form.photosHint')}</p>
      <FormError error={upload.error} />
    </section>
  );
}
