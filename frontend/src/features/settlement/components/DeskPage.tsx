import '../settlement.css';
import { useState } from 'react';
import { Link } from 'react-router';
import { SelectField } from '../../../components/form';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useI18n } from '../../../lib/i18n';
import { useSession } from '../../../lib/session';
import { houseOrganisations } from '../../../lib/houses';
import { CardPayeePanel } from '../../../components/card-payee';
import { DeskBank } from './DeskBank';
import { DeskBooks } from './DeskBooks';
import { DeskDisputes, DeskRefunds, DeskTransfers } from './DeskAfterSale';
import { DeskDefaults } from './DeskDefaults';
import { DeskHandover } from './DeskHandover';
import { InvoicesTab } from './DeskInvoices';
import { DeskPayouts } from './DeskPayouts';

const TABS = ['invoices', 'bank', 'handover', 'payouts', 'transfers', 'refunds', 'defaults', 'disputes', 'books', 'settings'] as const;
type Tab = (typeof TABS)[number];
const TAB_LABEL = {
  invoices: 'settlement.desk.invoices',
  bank: 'settlement.desk.bank',
  payouts: 'settlement.desk.payouts',
  handover: 'settlement.desk.handover',
  transfers: 'settlement.desk.transfers',
  refunds: 'settlement.desk.refunds',
  defaults: 'settlement.desk.defaults',
  disputes: 'settlement.desk.disputes',
  books: 'settlement.desk.books',
  settings: 'settlement.desk.settings',
} as const;

/** The house's settlement desk: its invoices (record a receipt, void), bank statements (upload, the unmatched queue),
 * the handover, the consignors' payouts, and its books (trial balance, statements). */
export function SettlementDeskPage() {
  const { t } = useI18n();
  useDocumentTitle(t('settlement.desk.title'));
  const houses = houseOrganisations(useSession().me);
  const [house, setHouse] = useState<number | null>(houses[0]?.id ?? null);
  const [tab, setTab] = useState<Tab>('invoices');
  if (!houses.length) {
    return (
      <div className="page settlement">
        <h1>{t('settlement.desk.title')}</h1>
        <p className="alert alert-warning">{t('auctions.new.noHouse')}</p>
      </div>
    );
  }
  return (
    <div className="page wide settlement">
      <h1>{t('settlement.desk.title')}</h1>
      {houses.length > 1 && (
        <SelectField
          label={t('settlement.desk.house')}
          value={String(house)}
          onChange={(e) => setHouse(Number(e.target.value))}
          options={houses.map((h) => ({ value: String(h.id), label: h.name }))}
        />
      )}
      <p>
        <Link to="/house/fees">{t('settlement.fees.title')}</Link>
      </p>
      <div className="tabs" role="tablist">
        {TABS.map((k) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} className={tab === k ? 'tab active' : 'tab'} onClick={() => setTab(k)} data-testid={`desk-tab-${k}`}>
            {t(TAB_LABEL[k])}
          </button>
        ))}
      </div>
      {house !== null && tab === 'invoices' && <InvoicesTab house={house} />}
      {house !== null && tab === 'bank' && <DeskBank house={house} />}
      {house !== null && tab === 'handover' && <DeskHandover house={house} />}
      {house !== null && tab === 'payouts' && <DeskPayouts house={house} />}
      {house !== null && tab === 'transfers' && <DeskTransfers house={house} />}
      {house !== null && tab === 'refunds' && <DeskRefunds house={house} />}
      {house !== null && tab === 'defaults' && <DeskDefaults house={house} />}
      {house !== null && tab === 'disputes' && <DeskDisputes house={house} />}
      {house !== null && tab === 'books' && <DeskBooks house={house} />}
      {house !== null && tab === 'settings' && (
        <CardPayeePanel path={`/api/houses/${house}/card-payee`} canEdit={!!houses.find((h) => h.id === house)?.roles.includes('house_admin')} />
      )}
    </div>
  );
}
