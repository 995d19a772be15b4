import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { Empty, LoadError, Notice } from '../../../components/feedback';
import { FormError, SelectField, TextField } from '../../../components/form';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDate } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useSession } from '../../../lib/session';
import { createOrder, listFilings, listOrders, lodgeFiling, type Filing, type Order } from '../api/export';
import { orderTone } from '../lib/desk';
import { dealerOrgs, OrderMoney } from './common';
import { CardPayeePanel } from '../../../components/card-payee';
import { FilingPapers } from './FilingPapers';

/** The exporter's desk: the filing, its settings (the Stripe account its buyers' card payments go to), the orders
 * (red or amber when a car's clock says so), a new order. */
export function DeskPage() {
  const { t } = useI18n();
  useDocumentTitle(t('export.desk.title'));
  const session = useSession();
  const orgs = dealerOrgs(session.me);
  const [org, setOrg] = useState<number | null>(orgs[0]?.id ?? null);
  if (org === null) return <div className="page"><Empty>{t('export.desk.notDealer')}</Empty></div>;
  return (
    <div className="page wide export-desk">
      <h1>{t('export.desk.title')}</h1>
      <p className="lead">{t('export.desk.lead')}</p>
      {orgs.length > 1 && (
        <label className="field">
          <span>{t('export.desk.dealer')}</span>
          <select value={org} onChange={(e) => setOrg(Number(e.target.value))}>
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <FilingPanel key={`f${org}`} org={org} />
      <details className="export-settings" data-testid="export-settings">
        <summary>{t('export.desk.settings')}</summary>
        <CardPayeePanel key={`p${org}`} path={`/api/export/dealers/${org}/card-payee`} canEdit={!!session.me?.organisations.find((o) => o.id === org)?.roles.includes('dealer_admin')} />
      </details>
      <OrdersList key={`o${org}`} org={org} />
      <NewOrder org={org} />
    </div>
  );
}

function FilingPanel({ org }: { org: number }) {
  const { t, tDynamic } = useI18n();
  const [filings, setFilings] = useState<Filing[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    listFilings(org).then(setFilings).catch(setError);
  }, [org]);
  useEffect(load, [load]);
  if (error) return <LoadError error={error} onRetry={load} />;
  if (filings === null) return null;
  const current = filings[0] ?? null;
  return (
    <section className="section card" aria-labelledby="export-filing" data-testid="export-filing">
      <h2 id="export-filing">{t('export.filing.title')}</h2>
      {current === null ? (
        <Notice tone="warning">{t('export.filing.none')}</Notice>
      ) : (
        <>
          <dl className="kv export-kv">
            <dt>{t('export.filing.recordNo')}</dt>
            <dd className="mono">{current.filing_no}</dd>
            <dt>{t('export.filing.status')}</dt>
            <dd>
              <span className={`badge export-filing-${current.status}`} data-testid="filing-status">
                {tDynamic(`export.filing.status.${current.status}`, current.status)}
              </span>
            </dd>
            <dt>{t('export.filing.validUntil')}</dt>
            <dd data-testid="filing-valid-until">{formatDate(current.valid_until)}</dd>
          </dl>
          {current.status === 'suspended' ? (
            <Notice tone="warning">{t('export.filing.suspended', { reason: current.decision_reason })}</Notice>
          ) : (
            !current.in_force && <Notice tone="warning">{t('export.filing.notInForce')}</Notice>
          )}
          <FilingPapers filing={current} onDone={load} />
        </>
      )}
      {current === null && <LodgeFiling org={org} onDone={load} />}
    </section>
  );
}

function LodgeFiling({ org, onDone }: { org: number; onDone: () => void }) {
  const { t } = useI18n();
  const [v, setV] = useState({ filing_no: '', province: '', approved_on: '', customs_code: '', a1: '', a2: '', a3: '' });
  const lodge = useMutation(lodgeFiling);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await lodge.run(org, {
      filing_no: v.filing_no.trim(),
      province: v.province.trim(),
      approved_on: v.approved_on,
      customs_code: v.customs_code.trim().toUpperCase(),
      appraisers: [v.a1, v.a2, v.a3].map((name) => ({ name: name.trim(), certificate_no: '' })).filter((a) => a.name),
    });
    if (r.ok) onDone();
  };
  return (
    <form className="form-grid" onSubmit={submit} data-testid="filing-form">
      <TextField label={t('export.filing.recordNo')} value={v.filing_no} onChange={set('filing_no')} required />
      <TextField label={t('export.filing.province')} value={v.province} onChange={set('province')} required />
      <TextField label={t('export.filing.approvedOn')} type="date" value={v.approved_on} onChange={set('approved_on')} required />
      <TextField label={t('export.filing.customsCode')} value={v.customs_code} onChange={set('customs_code')} required maxLength={10} />
      <TextField label={t('export.filing.appraiser', { n: 1 })} value={v.a1} onChange={set('a1')} required />
      <TextField label={t('export.filing.appraiser', { n: 2 })} value={v.a2} onChange={set('a2')} required />
      <TextField label={t('export.filing.appraiser', { n: 3 })} value={v.a3} onChange={set('a3')} required />
      <button className="btn btn-primary" disabled={lodge.pending}>
        {t('export.filing.save')}
      </button>
      <FormError error={lodge.error} />
    </form>
  );
}

function OrdersList({ org }: { org: number }) {
  const { t } = useI18n();
  const [items, setItems] = useState<Order[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    listOrders(org).then(setItems).catch(setError);
  }, [org]);
  useEffect(load, [load]);
  if (error) return <LoadError error={error} onRetry={load} />;
  if (items === null) return null;
  return (
    <section className="section" aria-labelledby="export-orders">
      <h2 id="export-orders">{t('export.orders.title')}</h2>
      {items.length === 0 ? (
        <Empty>{t('export.orders.none')}</Empty>
      ) : (
        <ul className="export-order-list" data-testid="export-orders">
          {items.map((o) => {
            const tone = orderTone(o.vehicles);
            const red = o.vehicles.filter((v) => v.colour === 'red').length;
            return (
              <li key={o.id} className={`card export-order-row${tone ? ` export-${tone}` : ''}`} data-testid={`order-row-${o.reference}`} data-tone={tone ?? 'none'}>
                <Link to={`/export/orders/${o.id}`} className="export-order-ref">
                  {o.reference}
                </Link>
                <span>
                  {o.consignee.name} · {o.destination_country} · {o.incoterm} {o.named_place}
                </span>
                <span className="muted">
                  {t('export.orders.vehicleCount', { count: o.vehicles.length })}
                  {red > 0 && <strong className="export-red-text"> · {t('export.orders.redCount', { count: red })}</strong>}
                </span>
                <OrderMoney minor={o.total_minor} currency={o.currency} rate={o.fx_rate} cnyFen={o.total_cny_fen} />
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

const INCOTERMS = ['FOB', 'CFR', 'CIF', 'FCA', 'CPT', 'CIP'];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'AED', 'RUB', 'KZT', 'HKD', 'AUD', 'CNY'];

function NewOrder({ org }: { org: number }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [v, setV] = useState({
    reference: '', name: '', country: '', address: '', contact: '', contract_no: '', destination: '', incoterm: 'FOB',
    named_place: '', currency: 'USD', rate: '', fx_source: '', fx_date: '', planned_shipment: '',
  }); // prettier-ignore
  const create = useMutation(createOrder);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await create.run(org, {
      reference: v.reference.trim(),
      consignee: { name: v.name.trim(), country: v.country.trim().toUpperCase(), address: v.address.trim(), contact: v.contact.trim() },
      contract_no: v.contract_no.trim(),
      destination_country: v.destination.trim().toUpperCase(),
      incoterm: v.incoterm,
      named_place: v.named_place.trim(),
      currency: v.currency,
      fx_rate: v.rate.trim(),
      fx_source: v.fx_source.trim(),
      fx_date: v.fx_date,
      planned_shipment: v.planned_shipment || null,
    });
    if (r.ok) navigate(`/export/orders/${r.value.id}`);
  };
  return (
    <details className="section card export-new-order">
      <summary>
        <h2 id="export-new-order">{t('export.orders.new')}</h2>
      </summary>
      <form className="form-grid" onSubmit={submit} data-testid="new-order">
        <TextField label={t('export.orders.reference')} value={v.reference} onChange={set('reference')} required />
        <TextField label={t('export.consignee.name')} value={v.name} onChange={set('name')} required />
        <TextField label={t('export.consignee.country')} value={v.country} onChange={set('country')} required maxLength={2} />
        <TextField label={t('export.consignee.address')} value={v.address} onChange={set('address')} required />
        <TextField label={t('export.consignee.contact')} value={v.contact} onChange={set('contact')} required />
        <TextField label={t('export.order.contractNo')} value={v.contract_no} onChange={set('contract_no')} required />
        <TextField label={t('export.orders.destination')} value={v.destination} onChange={set('destination')} required maxLength={2} />
        <SelectField label={t('export.order.incoterm')} value={v.incoterm} onChange={set('incoterm')} options={INCOTERMS.map((i) => ({ value: i, label: i }))} />
        <TextField label={t('export.order.namedPlace')} value={v.named_place} onChange={set('named_place')} required />
        <SelectField label={t('export.order.currency')} value={v.currency} onChange={set('currency')} options={CURRENCIES.map((c) => ({ value: c, label: c }))} />
        <TextField label={t('export.order.rate')} value={v.rate} onChange={set('rate')} required inputMode="decimal" pattern="\d+(\.\d+)?" />
        <TextField label={t('export.order.rateSource')} value={v.fx_source} onChange={set('fx_source')} required />
        <TextField label={t('export.order.rateDate')} type="date" value={v.fx_date} onChange={set('fx_date')} required />
        <TextField label={t('export.order.plannedShipment')} type="date" value={v.planned_shipment} onChange={set('planned_shipment')} />
        <button className="btn btn-primary" disabled={create.pending} data-testid="new-order-submit">
          {t('export.orders.create')}
        </button>
      </form>
      <FormError error={create.error} />
    </details>
  );
}
