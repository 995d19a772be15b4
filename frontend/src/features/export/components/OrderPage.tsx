import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Loading, LoadError } from '../../../components/feedback';
import { FormError, TextField } from '../../../components/form';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDate } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { addVehicle, createLink, getOrder, getVehicle, listBatches, listLinks, openOrderCardCheckout, orderCardCheckout, revokeLink, type Batch, type CardCheckout, type CardCheckoutState, type Link as ConsigneeLinkRow, type Order } from '../api/export';
import { parseOrderMoney } from '../lib/money-input';
import { BatchesSection } from './BatchPanel';
import { formatMinor } from '../lib/money';
import { OrderMoney, RefusalViolations } from './common';
import { PackingListLink } from './Packing';
import { StepTimeline, type VehicleSteps } from './Timelines';
import { VehicleCard } from './VehicleCard';

/** One order: its terms, its cars with their clocks, its batches and the two timelines, the consignee's link. */
export function OrderPage({ id }: { id: number }) {
  const { t } = useI18n();
  const [order, setOrder] = useState<Order | null>(null);
  const [batches, setBatches] = useState<Batch[]>([]);
  const [steps, setSteps] = useState<VehicleSteps[]>([]);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    getOrder(id)
      .then(async (o) => {
        setOrder(o);
        const [b, details] = await Promise.all([
          listBatches(o.exporter_org_id),
          Promise.all(o.vehicles.map((v) => getVehicle(v.id).catch(() => null))),
        ]);
        setBatches(b);
        setSteps(details.flatMap((d) => (d ? [{ vin: d.vehicle.vin, steps: d.steps }] : [])));
      })
      .catch(setError);
  }, [id]);
  useEffect(load, [load]);
  useDocumentTitle(order ? t('export.order.title', { reference: order.reference }) : t('export.desk.title'));
  if (error)
    return (
      <div className="page">
        <LoadError error={error} onRetry={load} />
      </div>
    );
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
            {order.consignee.name} ({order.consignee.country}), {order.consignee.address} · {order.consignee.contact}
          </dd>
          <dt>{t('export.order.contractNo')}</dt>
          <dd>{order.consignee.contract_no ?? '—'}</dd>
          <dt>{t('export.orders.destination')}</dt>
          <dd data-testid="order-destination">{order.destination_country}</dd>
          <dt>{t('export.order.incoterm')}</dt>
          <dd>
            {order.incoterm} {order.named_place}
          </dd>
          <dt>{t('export.order.rate')}</dt>
          <dd data-testid="order-rate">
            {t('export.order.rateValue', { currency: order.currency, rate: order.fx_rate })}{' '}
            <span className="muted small">
              ({order.fx_source}, {order.fx_date})
            </span>
          </dd>
          <dt>{t('export.orders.total')}</dt>
          <dd data-testid="order-total">
            <OrderMoney minor={order.total_minor} currency={order.currency} rate={order.fx_rate} cnyFen={order.total_cny_fen} />
          </dd>
          <dt>{t('export.order.paid')}</dt>
          <dd>
            <OrderMoney minor={order.paid_minor} currency={order.currency} rate={order.fx_rate} />
          </dd>
        </dl>
      </section>
      <CardPaymentLink order={order} onPaid={load} />
      <ConsigneeLink order={order} />
      <section className="section" aria-labelledby="export-vehicles">
        <h2 id="export-vehicles">{t('export.vehicles.title')}</h2>
        <div className="export-vehicles">
          {order.vehicles.map((v) => (
            <VehicleCard key={v.id} order={order} vehicle={v} onChange={load} />
          ))}
        </div>
        <PackingListLink order={order} />
        <AddVehicle order={order} onDone={load} />
      </section>
      <section className="section" aria-labelledby="export-steps">
        <h2 id="export-steps">{t('export.timeline.steps')}</h2>
        <StepTimeline vehicles={steps} />
      </section>
      <BatchesSection order={order} batches={batches} onChange={load} />
    </div>
  );
}

/** The order's consignee links, newest first: when each was made, and a revoke button for the live ones. */
export function LinkList({ links, onRevoke, pending }: { links: ConsigneeLinkRow[]; onRevoke: (id: number) => void; pending: boolean }) {
  const { t } = useI18n();
  if (links.length === 0) return null;
  return (
    <ul className="export-doc-list" data-testid="consignee-links">
      {links.map((l) => (
        <li key={l.id} data-testid={`consignee-link-row-${l.id}`} data-revoked={l.revoked_at ? 'true' : 'false'}>
          {t('export.link.made', { date: formatDate(l.created_at.slice(0, 10)) })}{' '}
          {l.revoked_at ? (
            <span className="muted small">{t('export.link.revoked', { date: formatDate(l.revoked_at.slice(0, 10)) })}</span>
          ) : (
            <button type="button" className="btn btn-ghost btn-small" disabled={pending} onClick={() => onRevoke(l.id)} data-testid={`consignee-link-revoke-${l.id}`}>
              {t('export.link.revoke')}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The foreign buyer pays by card: the dealer opens Stripe's hosted checkout for the order's balance and sends the
 * buyer its address. Stripe settles no CNY for a mainland business: a CNY order says so and is paid by transfer. */
function CardPaymentLink({ order, onPaid }: { order: Order; onPaid: () => void }) {
  const [state, setState] = useState<CardCheckoutState | null>(null);
  const reload = useCallback(() => {
    orderCardCheckout(order.id).then(setState, () => setState(null));
  }, [order.id]);
  useEffect(reload, [reload]);
  const open = useMutation(async (id: number) => {
    const r = await openOrderCardCheckout(id);
    reload();
    return r;
  });
  const paid = state?.checkout?.status === 'succeeded';
  useEffect(() => {
    if (paid) onPaid();
  }, [paid, onPaid]);
  return (
    <CardLinkView
      order={order}
      state={state}
      pending={open.pending}
      error={open.error}
      onCreate={() => void open.run(order.id)}
    />
  );
}

export function CardLinkView({ order, state, pending, error, onCreate }: { order: Order; state: CardCheckoutState | null; pending: boolean; error: unknown; onCreate: () => void }) {
  const { t, locale } = useI18n();
  const last: CardCheckout | null = state?.checkout ?? null;
  const cny = order.currency === 'CNY' || state?.reason === 'card_currency_unsupported';
  return (
    <section className="section card" aria-labelledby="export-card" data-testid="export-card-payment">
      <h2 id="export-card">{t('export.card.title')}</h2>
      {cny ? (
        <p className="muted small" data-testid="export-card-why">{t('export.card.noCny')}</p>
      ) : state?.reason === 'card_rail_unavailable' ? (
        <p className="muted small" data-testid="export-card-why">{t('export.card.notConfigured')}</p>
      ) : state?.reason === 'card_payee_missing' ? (
        <p className="muted small" data-testid="export-card-why">{t('export.card.noPayee')}</p>
      ) : (
        <p className="muted small">{t('export.card.hint')}</p>
      )}
      {last?.url && last.status === 'open' && (
        <p className="export-link">
          <a href={last.url} data-testid="export-card-link" className="mono" target="_blank" rel="noreferrer">
            {t('export.card.linkFor', { amount: formatMinor(last.amount_minor, last.currency, locale) })}
          </a>{' '}
          <button type="button" className="btn btn-ghost btn-small" onClick={() => void navigator.clipboard?.writeText(last.url ?? '')}>
            {t('export.link.copy')}
          </button>
        </p>
      )}
      {last?.status === 'succeeded' && <p data-testid="export-card-paid">{t('export.card.paid', { amount: formatMinor(last.amount_minor, last.currency, locale) })}</p>}
      {last?.status === 'processing' && <p className="muted small">{t('export.card.processing')}</p>}
      {state?.available && !(last?.url && last.status === 'open') && (
        <button type="button" className="btn btn-secondary" disabled={pending} onClick={onCreate} data-testid="export-card-create">
          {t('export.card.create')}
        </button>
      )}
      <FormError error={error} />
    </section>
  );
}

function ConsigneeLink({ order }: { order: Order }) {
  const { t } = useI18n();
  const [token, setToken] = useState<string | null>(null);
  const [links, setLinks] = useState<ConsigneeLinkRow[]>([]);
  const reload = () => {
    listLinks(order.id)
      .then((r) => setLinks([...r.items].sort((a, b) => b.id - a.id)))
      .catch(() => setLinks([]));
  };
  useEffect(reload, [order.id]);
  const create = useMutation(async (id: number) => {
    const r = await createLink(id);
    reload();
    return r;
  });
  const revoke = useMutation(async (id: number) => {
    await revokeLink(id);
    setToken(null);
    reload();
  });
  const full = token ? `${window.location.origin}/track#token=${encodeURIComponent(token)}` : null;
  return (
    <section className="section card" aria-labelledby="export-link">
      <h2 id="export-link">{t('export.link.title')}</h2>
      <p className="muted small">{t('export.link.hint')}</p>
      {full && (
        <p className="export-link">
          <a href={full} data-testid="consignee-link" className="mono">
            {full}
          </a>{' '}
          <button type="button" className="btn btn-ghost btn-small" onClick={() => void navigator.clipboard?.writeText(full)}>
            {t('export.link.copy')}
          </button>
          <br />
          <span className="muted small">{t('export.link.once')}</span>
        </p>
      )}
      <button
        type="button"
        className="btn btn-secondary"
        disabled={create.pending}
        data-testid="consignee-link-create"
        onClick={async () => {
          const r = await create.run(order.id);
          if (r.ok) setToken(r.value.token);
        }}
      >
        {t('export.link.create')}
      </button>
      <FormError error={create.error} />
      <LinkList links={links} pending={revoke.pending} onRevoke={(id) => void revoke.run(id)} />
      <FormError error={revoke.error} />
    </section>
  );
}

function AddVehicle({ order, onDone }: { order: Order; onDone: () => void }) {
  const { t } = useI18n();
  const blank = { source: 'vehicle', ref: '', steering: 'lhd', fuel: 'petrol', euro: '', price: '' };
  const [v, setV] = useState(blank);
  const [priceError, setPriceError] = useState<string | undefined>();
  const add = useMutation(addVehicle);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const minor = parseOrderMoney(v.price, order.currency);
    if (minor === null) {
      setPriceError(t('export.vehicle.priceInvalid', { currency: order.currency }));
      return;
    }
    setPriceError(undefined);
    const ref = Number(v.ref);
    const r = await add.run(order.id, {
      ...(v.source === 'sale' ? { sale_id: ref } : { vehicle_id: ref }),
      price_minor: minor,
      steering: v.steering,
      fuel: v.fuel,
      euro: v.euro ? Number(v.euro) : null,
    });
    if (r.ok) {
      setV(blank);
      onDone();
    }
  };
  return (
    <details className="card export-add-vehicle" data-testid="add-vehicle">
      <summary>{t('export.vehicles.add')}</summary>
      <form className="form-grid" onSubmit={submit}>
        <label className="field">
          <span>{t('export.vehicle.source')}</span>
          <select value={v.source} onChange={set('source')} data-testid="add-vehicle-source">
            <option value="vehicle">{t('export.vehicle.source.vehicle')}</option>
            <option value="sale">{t('export.vehicle.source.sale')}</option>
          </select>
        </label>
        <TextField label={t('export.vehicle.ref')} value={v.ref} onChange={set('ref')} required inputMode="numeric" pattern="\d+" data-testid="add-vehicle-ref" />
        <label className="field">
          <span>{t('export.vehicle.steering')}</span>
          <select value={v.steering} onChange={set('steering')} data-testid="add-vehicle-steering">
            <option value="lhd">{t('export.vehicle.steering.lhd')}</option>
            <option value="rhd">{t('export.vehicle.steering.rhd')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('export.vehicle.fuel')}</span>
          <select value={v.fuel} onChange={set('fuel')}>
            <option value="petrol">{t('export.vehicle.fuel.petrol')}</option>
            <option value="diesel">{t('export.vehicle.fuel.diesel')}</option>
          </select>
        </label>
        <TextField label={t('export.vehicle.euro')} type="number" min={1} max={7} value={v.euro} onChange={set('euro')} />
        <TextField
          label={t('export.vehicle.priceIn', { currency: order.currency })}
          value={v.price}
          onChange={set('price')}
          required
          inputMode="decimal"
          error={priceError}
          data-testid="add-vehicle-price"
        />
        <button className="btn btn-primary" disabled={add.pending} data-testid="add-vehicle-submit">
          {t('export.vehicles.add')}
        </button>
      </form>
      <div data-testid="add-vehicle-error">
        <FormError error={add.error} />
        <RefusalViolations error={add.error} testId="add-vehicle-violations" />
      </div>
    </details>
  );
}
