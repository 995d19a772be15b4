import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { Empty, LoadError, LoadMore, Notice } from '../../../components/feedback';
import { FormError, TextField } from '../../../components/form';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDate } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { createOrder, getFiling, listOrders, saveFiling, type Filing, type OrderSummary } from '../api/export';
import { toneOf } from '../lib/desk';
import { OrderMoney } from './common';

/** The exporter's desk: the filing, the orders, a new order. */
export function DeskPage() {
  const { t } = useI18n();
  useDocumentTitle(t('export.desk.title'));
  return (
    <div className="page wide export-desk">
      <h1>{t('export.desk.title')}</h1>
      <p className="lead">{t('export.desk.lead')}</p>
      <FilingPanel />
      <OrdersList />
      <NewOrder />
    </div>
  );
}

function FilingPanel() {
  const { t, tDynamic } = useI18n();
  const [filing, setFiling] = useState<Filing | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [recordNo, setRecordNo] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const [saved, setSaved] = useState(false);
  const save = useMutation(saveFiling);
  useEffect(() => {
    getFiling()
      .then((f) => {
        setFiling(f ?? null);
        setRecordNo(f?.record_no ?? '');
        setValidUntil(f?.valid_until ?? '');
      })
      .catch((e: unknown) => {
        // No filing yet reads as 404: the form is there to record one.
        if ((e as { status?: number }).status === 404) setFiling(null);
        else setError(e);
      });
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await save.run({ record_no: recordNo.trim(), valid_until: validUntil || null });
    if (r.ok) {
      setFiling(r.value);
      setSaved(true);
    }
  };
  if (error) return <LoadError error={error} />;
  return (
    <section className="section card" aria-labelledby="export-filing" data-testid="export-filing">
      <h2 id="export-filing">{t('export.filing.title')}</h2>
      {filing === null && <Notice tone="warning">{t('export.filing.none')}</Notice>}
      {filing && (
        <dl className="kv">
          <dt>{t('export.filing.status')}</dt>
          <dd>
            <span className={`badge export-filing-${filing.status}`} data-testid="filing-status">
              {tDynamic(`export.filing.status.${filing.status}`, filing.status)}
            </span>
          </dd>
          <dt>{t('export.filing.validUntil')}</dt>
          <dd>{formatDate(filing.valid_until)}</dd>
        </dl>
      )}
      {filing && !filing.in_force && <Notice tone="warning">{t('export.filing.notInForce')}</Notice>}
      <form className="form-grid" onSubmit={submit}>
        <TextField label={t('export.filing.recordNo')} value={recordNo} onChange={(e) => setRecordNo(e.target.value)} required data-testid="filing-record" />
        <TextField label={t('export.filing.validUntil')} type="date" value={validUntil} onChange={(e) => setValidUntil(e.target.value)} data-testid="filing-valid" />
        <button className="btn btn-primary" disabled={save.pending} data-testid="filing-save">
          {t('export.filing.save')}
        </button>
      </form>
      <FormError error={save.error} />
      {saved && <Notice>{t('export.filing.saved')}</Notice>}
    </section>
  );
}

function OrdersList() {
  const { t } = useI18n();
  const [items, setItems] = useState<OrderSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = (c: string | null) => {
    setLoading(true);
    listOrders(c)
      .then((p) => {
        setItems((prev) => [...(c ? (prev ?? []) : []), ...p.items]);
        setCursor(p.next_cursor);
      })
      .catch(setError)
      .finally(() => setLoading(false));
  };
  useEffect(() => load(null), []);
  if (error) return <LoadError error={error} onRetry={() => load(null)} />;
  if (items === null) return null;
  return (
    <section className="section" aria-labelledby="export-orders">
      <h2 id="export-orders">{t('export.orders.title')}</h2>
      {items.length === 0 ? (
        <Empty>{t('export.orders.none')}</Empty>
      ) : (
        <ul className="export-order-list" data-testid="export-orders">
          {items.map((o) => {
            const tone = toneOf(o.worst_state);
            return (
              <li key={o.id} className={`card export-order-row${tone ? ` export-${tone}` : ''}`} data-testid={`order-row-${o.id}`}>
                <Link to={`/export/orders/${o.id}`} className="export-order-ref">
                  {o.reference}
                </Link>
                <span>
                  {o.consignee.name} · {o.destination_country}
                </span>
                <span className="muted">
                  {t('export.orders.vehicles')}: {o.vehicle_count} · {o.incoterm}
                </span>
                <OrderMoney minor={o.total_minor} currency={o.currency} rate={o.fx_rate} />
              </li>
            );
          })}
        </ul>
      )}
      <LoadMore hasMore={cursor !== null} loading={loading} onClick={() => load(cursor)} />
    </section>
  );
}

const INCOTERMS = ['EXW', 'FCA', 'FOB', 'CFR', 'CIF', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP'];

function NewOrder() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [v, setV] = useState({ reference: '', name: '', country: '', address: '', email: '', destination: '', incoterm: 'FOB', currency: 'USD', rate: '' });
  const create = useMutation(createOrder);
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await create.run({
      reference: v.reference.trim(),
      consignee: { name: v.name.trim(), country: v.country.trim().toUpperCase(), address: v.address.trim(), email: v.email.trim() },
      destination_country: v.destination.trim().toUpperCase(),
      incoterm: v.incoterm,
      currency: v.currency.trim().toUpperCase(),
      fx_rate: v.rate.trim(),
    });
    if (r.ok) navigate(`/export/orders/${r.value.id}`);
  };
  return (
    <section className="section card" aria-labelledby="export-new-order">
      <h2 id="export-new-order">{t('export.orders.new')}</h2>
      <form className="form-grid" onSubmit={submit} data-testid="new-order">
        <TextField label={t('export.orders.reference')} value={v.reference} onChange={set('reference')} required />
        <TextField label={t('export.consignee.name')} value={v.name} onChange={set('name')} required />
        <TextField label={t('export.consignee.country')} value={v.country} onChange={set('country')} required maxLength={2} />
        <TextField label={t('export.consignee.address')} value={v.address} onChange={set('address')} />
        <TextField label={t('export.consignee.email')} type="email" value={v.email} onChange={set('email')} />
        <TextField label={t('export.orders.destination')} value={v.destination} onChange={set('destination')} required maxLength={2} />
        <label className="field">
          <span>{t('export.order.incoterm')}</span>
          <select value={v.incoterm} onChange={set('incoterm')}>
            {INCOTERMS.map((i) => (
              <option key={i}>{i}</option>
            ))}
          </select>
        </label>
        <TextField label={t('export.order.currency')} value={v.currency} onChange={set('currency')} required maxLength={3} />
        <TextField label={t('export.order.rate')} value={v.rate} onChange={set('rate')} required inputMode="decimal" pattern="\d+(\.\d+)?" />
        <button className="btn btn-primary" disabled={create.pending} data-testid="new-order-submit">
          {t('export.orders.create')}
        </button>
      </form>
      <FormError error={create.error} />
    </section>
  );
}
