import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { FormError, SelectField, SubmitButton } from '../../../components/form';
import { LoadError, Notice } from '../../../components/feedback';
import { serverFieldErrors } from '../../../lib/errors';
import { useI18n, type Locale, type TFunction } from '../../../lib/i18n';
import { MoneyInput } from '../../../components/money-input';
import { formatMoneyExact } from '../../../lib/money';
import { fenToInput, parseMoney } from '../../../lib/money-input';
import { useMutation } from '../../../hooks/use-mutation';
import { addLot, listConsignments, publishSession, type AuctionSession, type Consignment } from '../api/auctions';
import { nearestOnGrid, onGrid } from '../lib/terms';

type Field = 'vehicle_id' | 'starting_price' | 'reserve_price' | 'buy_now_price' | 'condition_report';
const FIELDS: Field[] = ['vehicle_id', 'starting_price', 'reserve_price', 'buy_now_price', 'condition_report'];

/** One line of the vehicle picker: make, series, VIN, year, the consignor and its suggested reserve. */
export function consignedLabel(c: Consignment, t: TFunction, locale: Locale): string {
  const v = c.vehicle;
  const parts = [v ? `${v.make} ${v.model} ${v.series}`.trim() : `#${c.vehicle_id}`];
  if (v) parts.push(`VIN ${v.vin}`);
  if (v?.model_year) parts.push(t('auctions.consign.year', { year: v.model_year }));
  parts.push(c.seller_name);
  if (c.suggested_reserve) parts.push(t('auctions.consign.suggested', { amount: formatMoneyExact(c.suggested_reserve, locale) }));
  return parts.join(' · ');
}

/** Adding lots to a draft session (a vehicle consigned to the house, 起拍价, secret 保留价, optional buy-now),
 * then publishing it. */
export function DraftManager({ session, onChanged }: { session: AuctionSession; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const [form, setForm] = useState({ vehicle: '', starting: '', reserve: '', buyNow: '', report: '' });
  const [consigned, setConsigned] = useState<Consignment[] | null>(null);
  const [pickerError, setPickerError] = useState<unknown>(null);
  const loadPicker = useCallback(() => {
    setPickerError(null);
    listConsignments({ role: 'house', status: 'active' }).then(
      (r) => setConsigned(r.items.filter((c) => c.house_org_id === session.house_org_id)),
      setPickerError,
    );
  }, [session.house_org_id]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- a lot removed from the catalogue frees its vehicle
  useEffect(loadPicker, [loadPicker, session.lots.length]);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [added, setAdded] = useState<number | null>(null);
  const add = useMutation(addLot);
  const publish = useMutation(publishSession);
  const server = serverFieldErrors(add.error) as Partial<Record<Field, string>>;
  const ladder = session.terms.ladder;
  const timed = session.mode === 'timed';

  function amount(field: Field, input: string, required: boolean, next: Partial<Record<Field, string>>): number | null {
    if (!input.trim()) {
      if (required) next[field] = t('validation.required');
      return null;
    }
    const fen = parseMoney(input, 'wan');
    if (fen === undefined) {
      next[field] = t('auctions.amountWan');
      return null;
    }
    if (!onGrid(ladder, fen)) {
      const [below, above] = nearestOnGrid(ladder, fen);
      next[field] = t('auctions.manage.offGrid', { below: fenToInput(below, 'wan'), above: fenToInput(above, 'wan') });
    }
    return fen;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setAdded(null);
    add.reset();
    const next: Partial<Record<Field, string>> = {};
    const vehicle = /^\d+$/.test(form.vehicle.trim()) ? Number(form.vehicle.trim()) : null;
    if (!vehicle) next.vehicle_id = t('auctions.consign.pickVehicle');
    const starting = amount('starting_price', form.starting, true, next);
    const reserve = amount('reserve_price', form.reserve, false, next);
    const buyNow = timed ? amount('buy_now_price', form.buyNow, false, next) : null;
    if (starting !== null && reserve !== null && reserve < starting && !next.reserve_price)
      next.reserve_price = t('auctions.manage.reserveBelow');
    if (starting !== null && buyNow !== null && buyNow <= Math.max(starting, reserve ?? 0) && !next.buy_now_price)
      next.buy_now_price = t('auctions.manage.buyNowLow');
    setErrors(next);
    if (Object.keys(next).length || vehicle === null || starting === null) return;
    const res = await add.run(session.id, {
      vehicle_id: vehicle,
      starting_price: starting,
      reserve_price: reserve,
      buy_now_price: buyNow,
      condition_report: form.report,
    });
    if (res.ok) {
      setAdded(res.value.position);
      setForm({ vehicle: '', starting: '', reserve: '', buyNow: '', report: '' });
      loadPicker();
      onChanged();
    }
  }

  function pick(value: string) {
    const chosen = consigned?.find((c) => String(c.vehicle_id) === value);
    // the seller's suggested reserve is where the house starts; the reserve stays the house's to set
    const reserve = !form.reserve && chosen?.suggested_reserve ? fenToInput(chosen.suggested_reserve, 'wan') : form.reserve;
    setForm({ ...form, vehicle: value, reserve });
  }

  async function doPublish() {
    const res = await publish.run(session.id);
    if (res.ok) onChanged();
  }

  return (
    <section className="card house-draft" data-testid="draft-manager">
      <h2>{t('auctions.manage.addLot')}</h2>
      <p className="muted small">{t('auctions.manage.orderHint')}</p>
      {pickerError !== null && <LoadError error={pickerError} onRetry={loadPicker} />}
      <form className="form" onSubmit={submit} noValidate data-testid="lot-form">
        <div className="field-pair">
          <SelectField
            label={t('auctions.manage.vehicle')}
            value={form.vehicle}
            onChange={(e) => pick(e.target.value)}
            options={[
              { value: '', label: t(consigned === null ? 'common.loading' : 'auctions.consign.choose') },
              ...(consigned ?? []).map((c) => ({ value: String(c.vehicle_id), label: consignedLabel(c, t, locale) })),
            ]}
            error={errors.vehicle_id ?? server.vehicle_id}
            hint={t(consigned !== null && consigned.length === 0 ? 'auctions.consign.noneForHouse' : 'auctions.manage.vehicleHint')}
            data-testid="lot-vehicle"
          />
          <MoneyInput
            label={t('auctions.manage.starting')}
            unit="wan"
            value={form.starting}
            onValueChange={(v) => setForm({ ...form, starting: v })}
            error={errors.starting_price ?? server.starting_price}
            data-testid="lot-starting"
          />
          <MoneyInput
            label={t('auctions.manage.reserve')}
            unit="wan"
            value={form.reserve}
            onValueChange={(v) => setForm({ ...form, reserve: v })}
            error={errors.reserve_price ?? server.reserve_price}
            hint={t('auctions.manage.reserveHint')}
            data-testid="lot-reserve"
          />
          {timed && (
            <MoneyInput
              label={t('auctions.manage.buyNow')}
              unit="wan"
              value={form.buyNow}
              onValueChange={(v) => setForm({ ...form, buyNow: v })}
              error={errors.buy_now_price ?? server.buy_now_price}
              data-testid="lot-buy-now"
            />
          )}
        </div>
        <div className="field">
          <label htmlFor="lot-report">{t('auctions.manage.conditionReport')}</label>
          <textarea id="lot-report" rows={3} maxLength={5000} value={form.report} onChange={(e) => setForm({ ...form, report: e.target.value })} />
          {server.condition_report && <p className="field-error">{server.condition_report}</p>}
        </div>
        <FormError error={add.error} fields={FIELDS} />
        {added !== null && <Notice>{t('auctions.manage.added', { n: added })}</Notice>}
        <SubmitButton pending={add.pending}>{t('auctions.manage.add')}</SubmitButton>
      </form>
      <hr />
      <h2>{t('auctions.manage.publish')}</h2>
      <p className="muted small">{t(timed ? 'auctions.manage.publishHintTimed' : 'auctions.manage.publishHintLive')}</p>
      <FormError error={publish.error} />
      <button type="button" className="btn btn-primary" disabled={publish.pending} onClick={() => void doPublish()} data-testid="publish">
        {publish.pending ? t('common.working') : t('auctions.manage.publish')}
      </button>
    </section>
  );
}
