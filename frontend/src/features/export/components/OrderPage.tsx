import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Loading, LoadError } from '../../../components/feedback';
import { FormError, TextField } from '../../../components/form';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import { addVehicle, createConsigneeLink, getOrder, listBatches, type Batch, type Order } from '../api/export';
import { parseOrderMoney } from '../lib/money-input';
import { BatchesSection } from './BatchPanel';
import { OrderMoney } from './common';
import { StepTimeline } from './Timelines';
import { VehicleCard } from './VehicleCard';

/** One order: its terms, its cars with their clocks, its batches and the two timelines, the consignee's link. */
export function OrderPage({ id }: { id: number }) {
  const { t } = useI18n();
  const [order, setOrder] = useState<Order | null>(null);
  const [batches, setBatches] = useState<Batch[]>([]);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    Promise.all([getOrder(id), listBatches(id)])
      .then(([o, b]) => {
        setOrder(o);
        setBatches(b.items);
      })
      .catch(setError);
  }, [id]);
  useEffect(load, [load]);
  useDocumentTitle(order ? t('export.order.title', { reference: order.reference }) : t('export.desk.title'));
  if (error) return <div className="page"><LoadError error={error} onRetry={load} /></div>;
  if (!order) return <Loading />;
  return (
    <div className="page wide export-order" data-testid="export-order">
      <p>
        <Link to="/export">← {t('export.order.back')}</Link>
      </p>
      <h1>{t('export.order.title', { reference: order.reference })}</h1>
      <section className="card export-terms" aria-label={t('export.order.terms')}>
        <dl className="kv export-kv">
          <dt>{t('export.orders.consignee')}</dt>
          <dd>
            {order.consignee.name} ({order.consignee.country}){order.consignee.address ? `, ${order.consignee.address}` : ''}
          </dd>
          <dt>{t('export.orders.destination')}</dt>
          <dd>{order.destination_country}</dd>
          <dt>{t('export.order.incoterm')}</dt>
          <dd>{order.incoterm}</dd>
          <dt>{t('export.order.currency')}</dt>
          <dd>{order.currency}</dd>
          <dt>{t('export.order.rate')}</dt>
          <dd data-testid="order-rate">{t('export.order.rateValue', { currency: order.currency, rate: order.fx_rate })}</dd>
          <dt>{t('export.orders.total')}</dt>
          <dd data-testid="order-total">
            <OrderMoney minor={order.total_minor} currency={order.currency} rate={order.fx_rate} />
          </dd>
        </dl>
      </section>
      <ConsigneeLink order={order} onDone={load} />
      <section className="section" aria-labelledby="export-vehicles">
        <h2 id="export-vehicles">{t('export.vehicles.title')}</h2>
        <div className="export-vehicles">
          {order.vehicles.map((v) => (
            <VehicleCard key={v.id} order={order} vehicle={v} onChange={load} />
          ))}
        </div>
        <AddVehicle order={order} onDone={load} />
      </section>
      <section className="section" aria-labelledby="export-steps">
        <h2 id="export-steps">{t('export.timeline.steps')}</h2>
        <StepTimeline steps={order.steps} vehicles={order.vehicles} />
      </section>
      <BatchesSection order={order} batches={batches} onChange={load} />
    </div>
  );
}

function ConsigneeLink({ order, onDone }: { order: Order; onDone: () => void }) {
  const { t } = useI18n();
  const [url, setUrl] = useState<string | null>(order.consignee_link ?? null);
  const create = useMutation(createConsigneeLink);
  const full = url ? new URL(url, window.location.origin).toString() : null;
  return (
    <section className="section card" aria-labelledby="export-link">
      <h2 id="export-link">{t('export.link.title')}</h2>
      <p className="muted small">{t('export.link.hint')}</p>
      {full ? (
        <p className="export-link">
          <a href={full} data-testid="consignee-link" className="mono">
            {full}
          </a>{' '}
          <button type="button" className="btn btn-ghost btn-small" onClick={() => void navigator.clipboard?.writeText(full)}>
            {t('export.link.copy')}
          </button>
        </p>
      ) : (
        <button
          type="button"
          className="btn btn-secondary"
          disabled={create.pending}
          data-testid="consignee-link-create"
          onClick={async () => {
            const r = await create.run(order.id);
            if (r.ok) {
              setUrl(r.value.url);
              onDone();
            }
          }}
        >
          {t('export.link.create')}
        </button>
      )}
      <FormError error={create.error} />
    </section>
  );
}

function AddVehicle({ order, onDone }: { order: Order; onDone: () => void }) {
  const { t } = useI18n();
  const blank = { vin: '', make: '', model: '', steering: 'left', first_registration: '', price: '' };
  const [v, setV] = useState(blank);
  const [priceError, setPriceError] = useState<string | undefined>();
  const add = useMutation(addVehicle);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const minor = parseOrderMoney(v.price, order.currency);
    if (minor === null) {
      setPriceError(t('export.vehicle.price', { currency: order.currency }));
      return;
    }
    setPriceError(undefined);
    const r = await add.run(order.id, {
      vin: v.vin.trim().toUpperCase(),
      make: v.make.trim(),
      model: v.model.trim(),
      steering: v.steering,
      first_registration: v.first_registration,
      price_minor: minor,
    });
    if (r.ok) {
      setV(blank);
      onDone();
    }
  };
  return (
    <details className="card export-add-vehicle">
      <summary>{t('export.vehicles.add')}</summary>
      <form className="form-grid" onSubmit={submit} data-testid="add-vehicle">
        <TextField label={t('export.vehicle.vin')} value={v.vin} onChange={set('vin')} required maxLength={17} minLength={17} />
        <TextField label={t('export.vehicle.make')} value={v.make} onChange={set('make')} required />
        <TextField label={t('export.vehicle.model')} value={v.model} onChange={set('model')} required />
        <label className="field">
          <span>{t('export.vehicle.steering')}</span>
          <select value={v.steering} onChange={set('steering')}>
            <option value="left">{t('export.vehicle.steering.left')}</option>
            <option value="right">{t('export.vehicle.steering.right')}</option>
          </select>
        </label>
        <TextField label={t('export.vehicle.firstRegistration')} type="date" value={v.first_registration} onChange={set('first_registration')} required />
        <TextField
          label={t('export.vehicle.price', { currency: order.currency })}
          value={v.price}
          onChange={set('price')}
          required
          inputMode="decimal"
          error={priceError}
        />
        <button className="btn btn-primary" disabled={add.pending}>
          {t('export.vehicles.add')}
        </button>
      </form>
      <FormError error={add.error} />
    </details>
  );
}
