import { useState } from 'react';
import { FormError } from '../../../components/form';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import { packingListUrl, recordPacking, type Order, type PackingInput, type ShippingMode, type Vehicle } from '../api/export';

// The steps before the car departs: its packing details can be recorded or corrected until then (the API's rule).
const PACKING_OPEN_AT = ['bought', 'transfer_registered', 'inspected', 'licensed', 'declared', 'loaded'];
const MODES: ShippingMode[] = ['ro_ro', 'container', 'rail'];
const NUMBERS = ['gross_kg', 'net_kg', 'length_mm', 'width_mm', 'height_mm', 'packages'] as const;

/** A whole number as typed ("1 650", "1,650"), or null: the server's rules give the bounds and their words. */
export function wholeNumber(text: string): number | null {
  const clean = text.replace(/[\s,]/g, '');
  return /^\d{1,9}$/.test(clean) ? Number(clean) : null;
}

/** One car's packing details for the order's packing list (装箱单): what is recorded and a form to record it. */
export function PackingForm({ vehicle, onDone }: { vehicle: Vehicle; onDone: () => void }) {
  const { t, tDynamic, locale } = useI18n();
  const p = vehicle.packing;
  const [v, setV] = useState<Record<string, string>>({
    ...Object.fromEntries(NUMBERS.map((k) => [k, p ? String(p[k]) : k === 'packages' ? '1' : ''])),
    mode: p?.mode ?? 'ro_ro',
    container_no: p?.container_no ?? '',
    seal_no: p?.seal_no ?? '',
  });
  const [bad, setBad] = useState<string[]>([]);
  const send = useMutation(recordPacking);
  const open = PACKING_OPEN_AT.includes(vehicle.step);
  const prefix = `packing-${vehicle.vin}`;
  const n = (x: number) => x.toLocaleString(locale);
  const set = (k: string) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const submit = async () => {
    const numbers = Object.fromEntries(NUMBERS.map((k) => [k, wholeNumber(v[k] ?? '')]));
    const wrong = NUMBERS.filter((k) => numbers[k] === null);
    setBad(wrong);
    if (wrong.length) return;
    const boxed = v.mode === 'container';
    const body = {
      ...numbers,
      mode: v.mode as ShippingMode,
      container_no: boxed ? (v.container_no ?? '').trim() : '',
      seal_no: boxed ? (v.seal_no ?? '').trim() : '',
    } as PackingInput;
    if ((await send.run(vehicle.id, body)).ok) onDone();
  };
  return (
    <details className="export-registration" data-testid={prefix}>
      <summary>
        {t('export.packing.title')}:{' '}
        <span data-testid={`${prefix}-summary`}>
          {p
            ? t('export.packing.summary', {
                gross: n(p.gross_kg),
                net: n(p.net_kg),
                size: `${n(p.length_mm)}×${n(p.width_mm)}×${n(p.height_mm)}`,
                packages: p.packages,
                mode: tDynamic(`export.packing.mode.${p.mode}`, p.mode),
              }) + (p.container_no ? ` · ${t('export.packing.containerLine', { container: p.container_no, seal: p.seal_no })}` : '')
            : t('export.packing.none')}
        </span>
      </summary>
      {open ? (
        <form
          className="export-step-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <p className="muted small">{t('export.packing.rule')}</p>
          {NUMBERS.map((k) => (
            <label key={k} className="field">
              <span>{tDynamic(`export.packing.${k}`, k)}</span>
              <input inputMode="numeric" value={v[k]} onChange={set(k)} required data-testid={`${prefix}-${k}`} aria-invalid={bad.includes(k) || undefined} />
            </label>
          ))}
          <label className="field">
            <span>{t('export.packing.mode')}</span>
            <select value={v.mode} onChange={set('mode')} data-testid={`${prefix}-mode`}>
              {MODES.map((m) => (
                <option key={m} value={m}>
                  {tDynamic(`export.packing.mode.${m}`, m)}
                </option>
              ))}
            </select>
          </label>
          {v.mode === 'container' && (
            <>
              <label className="field">
                <span>{t('export.packing.container_no')}</span>
                <input value={v.container_no} onChange={set('container_no')} required maxLength={40} className="mono" data-testid={`${prefix}-container_no`} />
              </label>
              <label className="field">
                <span>{t('export.packing.seal_no')}</span>
                <input value={v.seal_no} onChange={set('seal_no')} required maxLength={40} className="mono" data-testid={`${prefix}-seal_no`} />
              </label>
            </>
          )}
          {bad.length > 0 && (
            <p className="field-error">{t('export.packing.wholeNumbers', { fields: bad.map((k) => tDynamic(`export.packing.${k}`, k)).join(', ') })}</p>
          )}
          <button className="btn btn-secondary btn-small" disabled={send.pending} data-testid={`${prefix}-submit`}>
            {t('export.packing.save')}
          </button>
          <div data-testid={`${prefix}-error`}>
            <FormError error={send.error} />
          </div>
        </form>
      ) : (
        <p className="muted small">{t('export.packing.locked')}</p>
      )}
    </details>
  );
}

/** The order's packing list: a download once every car has its details, else which cars still lack them. */
export function PackingListLink({ order }: { order: Order }) {
  const { t } = useI18n();
  const lacking = order.vehicles.filter((v) => v.packing === null);
  if (order.vehicles.length === 0) return null;
  return (
    <p data-testid="packing-list">
      <strong>{t('export.packingList.title')}</strong>:{' '}
      {lacking.length === 0 ? (
        <a href={packingListUrl(order.id)} download data-testid="packing-list-download">
          {t('export.packingList.download')}
        </a>
      ) : (
        <span className="muted" data-testid="packing-list-missing">
          {t('export.packingList.missing', { vins: lacking.map((v) => v.vin).join(', ') })}
        </span>
      )}
    </p>
  );
}
