import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Empty, LoadError, Loading, Notice } from '../../../components/feedback';
import { FormError, SelectField, SubmitButton, TextField } from '../../../components/form';
import { MoneyInput } from '../../../components/money-input';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDateTime } from '../../../lib/format';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import { formatMoneyExact } from '../../../lib/money';
import { parseMoney } from '../../../lib/money-input';
import { useSession } from '../../../lib/session';
import type { Me, MeOrganisation } from '../../../types/api';
import {
  auctionHouses,
  consign,
  dealerVehicles,
  listConsignments,
  withdrawConsignment,
  type AuctionHouse,
  type Consignment,
  type InventoryVehicle,
} from '../api/auctions';
import '../auctions.css';

const SELLER_ROLES = ['dealer_admin', 'dealer_staff'];
const FIELDS = ['vin', 'house_org_id', 'suggested_reserve', 'note'];

/** The dealers the user may consign for (the server's seller roles; trading rights are checked there). */
export function sellerOrganisations(me: Me | null): MeOrganisation[] {
  return (me?.organisations ?? []).filter((o) => o.kind === 'dealer' && o.roles.some((r) => SELLER_ROLES.includes(r)));
}

/**
 * A listing on sale or reserved holds its vehicle: it cannot be consigned until withdrawn (the server says the
 * same with `vehicle_listed`, from the vehicle's engagement, whatever else holds it).
 */
export function listingHolds(row: InventoryVehicle): boolean {
  return OPEN_LISTING.includes(row.status);
}
const OPEN_LISTING = ['published', 'reserved'];

/** Distinct vehicles of the dealer's inventory, without those already sold. */
export function consignableVehicles(rows: InventoryVehicle[]): InventoryVehicle[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    if (r.status === 'sold' || seen.has(r.vehicle.vin)) return false;
    seen.add(r.vehicle.vin);
    return true;
  });
}

/** 委托拍卖: a dealer picks one of its vehicles and an auction house, consigns, and follows or withdraws it. */
export function ConsignPage() {
  const { t, locale } = useI18n();
  const me = useSession().me;
  const dealers = sellerOrganisations(me);
  const [orgId, setOrgId] = useState<number | null>(dealers[0]?.id ?? null);
  const [vehicles, setVehicles] = useState<InventoryVehicle[] | null>(null);
  const [houses, setHouses] = useState<AuctionHouse[] | null>(null);
  const [mine, setMine] = useState<Consignment[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [form, setForm] = useState({ vin: '', house: '', reserve: '', note: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const submitting = useMutation(consign);
  const withdrawing = useMutation(withdrawConsignment);

  const load = useCallback(() => {
    setLoadError(null);
    if (orgId === null) return;
    Promise.all([dealerVehicles(orgId), auctionHouses(), listConsignments({ role: 'seller' })]).then(([v, h, c]) => {
      setVehicles(consignableVehicles(v.items));
      setHouses(h.items);
      setMine(c.items.filter((x) => x.seller_org_id === orgId));
    }, setLoadError);
  }, [orgId]);
  useEffect(load, [load]);

  if (dealers.length === 0 || orgId === null) {
    return (
      <div className="page">
        <h1>{t('auctions.consign.title')}</h1>
        <p className="alert alert-warning">{t('auctions.consign.noDealer')}</p>
      </div>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setNotice(null);
    submitting.reset();
    withdrawing.reset();
    const next: Record<string, string> = {};
    if (!form.vin) next.vin = t('auctions.consign.pickVehicle');
    if (!form.house) next.house_org_id = t('validation.required');
    const reserve = form.reserve.trim() ? (parseMoney(form.reserve, 'wan') ?? null) : null;
    if (form.reserve.trim() && reserve === null) next.suggested_reserve = t('auctions.amountWan');
    const held = (vehicles ?? []).find((r) => r.vehicle.vin === form.vin);
    if (held && listingHolds(held)) next.vin = t('auctions.consign.listedFirst');
    setErrors(next);
    if (Object.keys(next).length) return;
    const res = await submitting.run({
      vin: form.vin,
      house_org_id: Number(form.house),
      suggested_reserve: reserve,
      note: form.note.trim(),
    });
    if (res.ok) {
      setNotice(t('auctions.consign.done', { house: res.value.house_name }));
      setForm({ vin: '', house: '', reserve: '', note: '' });
      load();
    }
  }

  async function withdraw(id: number) {
    setNotice(null);
    submitting.reset();
    const res = await withdrawing.run(id);
    if (res.ok) {
      setNotice(t('auctions.consign.withdrawnNotice'));
      load();
    }
  }

  return (
    <div className="page consign-page">
      <h1>{t('auctions.consign.title')}</h1>
      <p className="muted">{t('auctions.consign.intro')}</p>
      {loadError !== null && <LoadError error={loadError} onRetry={load} />}
      <section className="card">
        <form className="form" onSubmit={submit} noValidate data-testid="consign-form">
          {dealers.length > 1 && (
            <SelectField
              label={t('auctions.consign.org')}
              value={String(orgId)}
              onChange={(e) => {
                setOrgId(Number(e.target.value));
                setVehicles(null);
                setForm({ ...form, vin: '' });
              }}
              options={dealers.map((d) => ({ value: String(d.id), label: d.name }))}
              data-testid="consign-org"
            />
          )}
          <div className="field-pair">
            <SelectField
              label={t('auctions.consign.vehicle')}
              value={form.vin}
              onChange={(e) => setForm({ ...form, vin: e.target.value })}
              options={[
                { value: '', label: t(vehicles === null ? 'common.loading' : 'auctions.consign.chooseOwn') },
                ...(vehicles ?? []).map((r) => ({
                  value: r.vehicle.vin,
                  label: [
                    `${r.vehicle.make} ${r.vehicle.model} ${r.vehicle.series}`.trim(),
                    `VIN ${r.vehicle.vin}`,
                    r.vehicle.model_year ? t('auctions.consign.year', { year: r.vehicle.model_year }) : '',
                    listingHolds(r) ? t('auctions.consign.listedTag', { status: t(`auctions.consign.listing.${r.status}` as MessageKey) }) : '',
                  ]
                    .filter(Boolean)
                    .join(' · '),
                })),
              ]}
              error={errors.vin}
              hint={vehicles !== null && vehicles.length === 0 ? t('auctions.consign.noVehicles') : undefined}
              data-testid="consign-vehicle"
            />
            <SelectField
              label={t('auctions.consign.house')}
              value={form.house}
              onChange={(e) => setForm({ ...form, house: e.target.value })}
              options={[
                { value: '', label: t(houses === null ? 'common.loading' : 'auctions.consign.chooseHouse') },
                ...(houses ?? []).map((h) => ({ value: String(h.id), label: h.name })),
              ]}
              error={errors.house_org_id}
              hint={houses !== null && houses.length === 0 ? t('auctions.consign.noHouses') : undefined}
              data-testid="consign-house"
            />
            <MoneyInput
              label={t('auctions.consign.reserve')}
              unit="wan"
              value={form.reserve}
              onValueChange={(v) => setForm({ ...form, reserve: v })}
              error={errors.suggested_reserve}
              hint={t('auctions.consign.reserveHint')}
              data-testid="consign-reserve"
            />
          </div>
          <TextField
            label={t('auctions.consign.note')}
            maxLength={500}
            value={form.note}
            onChange={(e) => setForm({ ...form, note: e.target.value })}
            data-testid="consign-note"
          />
          <FormError error={submitting.error} fields={FIELDS} />
          {notice && <Notice>{notice}</Notice>}
          <SubmitButton pending={submitting.pending}>{t('auctions.consign.submit')}</SubmitButton>
        </form>
      </section>

      <h2>{t('auctions.consign.mine')}</h2>
      <FormError error={withdrawing.error} />
      {mine === null ? (
        !loadError && <Loading />
      ) : mine.length === 0 ? (
        <Empty>{t('auctions.consign.none')}</Empty>
      ) : (
        <table className="table" data-testid="consignments">
          <tbody>
            {mine.map((c) => (
              <tr key={c.id} data-testid={`consignment-${c.id}`} data-status={c.status}>
                <td>
                  <strong>{c.vehicle ? `${c.vehicle.make} ${c.vehicle.model} ${c.vehicle.series}` : `#${c.vehicle_id}`}</strong>
                  <div className="muted small">{c.vehicle ? `VIN ${c.vehicle.vin}` : ''}</div>
                </td>
                <td>{t('auctions.consign.to', { house: c.house_name })}</td>
                <td>{c.suggested_reserve ? t('auctions.consign.suggested', { amount: formatMoneyExact(c.suggested_reserve, locale) }) : ''}</td>
                <td>
                  <span className={c.status === 'active' ? 'badge badge-success' : 'badge'}>
                    {t(`auctions.consign.status.${c.status}` as MessageKey)}
                  </span>
                  <div className="muted small">{formatDateTime(c.updated_at, locale)}</div>
                </td>
                <td>
                  {c.status === 'active' && (
                    <button
                      type="button"
                      className="btn btn-ghost"
                      disabled={withdrawing.pending}
                      onClick={() => void withdraw(c.id)}
                      data-testid={`withdraw-${c.id}`}
                    >
                      {t('auctions.consign.withdraw')}
                    </button>
                  )}
                  {c.lot_id !== null && <Link to={`/auctions/lots/${c.lot_id}`}>{t('auctions.consign.openLot')}</Link>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
