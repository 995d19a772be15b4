import { useEffect, useState, type ReactNode } from 'react';
import { Empty, LoadError, LoadMore, Loading } from '../../../components/feedback';
import { FormError, SubmitButton, TextField } from '../../../components/form';
import { useCursorList } from '../../../hooks/use-cursor-list';
import { useMoney } from '../../../hooks/use-money';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDate } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import {
  answerDispute,
  completeRefund,
  confirmTransfer,
  depositRefunds,
  handDocuments,
  houseDisputes,
  houseTransfers,
  TRANSFER_DOCUMENTS,
  type DepositRefund,
  type Dispute,
  type Transfer,
} from '../api/handover';
import { buyerRefunds, completeBuyerRefund, type BuyerRefund } from '../api/refunds';
import { DecisionForm } from './DisputeDecision';
import { DisputeState, EvidencePhotos } from './DisputeEvidence';

/** A list the desk loads once and reloads after each action (bounded by the API, not paginated). */
function useList<T>(load: () => Promise<T[]>, deps: unknown[]) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    setError(null);
    load().then(setItems, setError);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, n]);
  return { items, error, reload: () => setN((x) => x + 1) };
}

/** A refund task: the house pays it by bank transfer and records the transfer's reference. */
function RefundTask({ line, record, onDone }: { line: string; record: (reference: string) => Promise<unknown>; onDone: () => void }) {
  const { t } = useI18n();
  const [reference, setReference] = useState('');
  const save = useMutation(async () => {
    await record(reference);
    onDone();
  });
  return (
    <li className="card" data-testid="refund-row">
      <p>{line}</p>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <TextField label={t('settlement.desk.reference')} value={reference} onChange={(e) => setReference(e.target.value)} required maxLength={64} />
        <SubmitButton pending={save.pending}>{t('settlement.refunds.record')}</SubmitButton>
        <FormError error={save.error} />
      </form>
    </li>
  );
}

/** Refunds due: deposits after the session, and what disputes, unwinds and buyers' requests owe back to buyers. */
export function DeskRefunds({ house }: { house: number }) {
  const { t } = useI18n();
  const { yuan } = useMoney();
  const deposits = useList(() => depositRefunds(house, 'due'), [house]);
  const owed = useCursorList((cursor, signal) => buyerRefunds(house, 'due', cursor, signal), [house]);
  const failed = deposits.error ?? owed.error;
  if (failed) return <LoadError error={failed} onRetry={() => {
    deposits.reload();
    owed.reload();
  }} />;
  if (!deposits.items || (owed.loading && !owed.items.length)) return <Loading />;
  return (
    <>
      {!deposits.items.length ? (
        <Empty>{t('settlement.refunds.none')}</Empty>
      ) : (
        <ul className="invoice-list" data-testid="refunds">
          {deposits.items.map((r: DepositRefund) => (
            <RefundTask
              key={r.id}
              line={t('settlement.refunds.line', { amount: yuan(r.amount_fen), user: r.user_id, date: formatDate(r.due_on) })}
              record={(ref) => completeRefund(house, r.id, ref)}
              onDone={deposits.reload}
            />
          ))}
        </ul>
      )}
      <h2>{t('settlement.buyerRefunds.title')}</h2>
      {!owed.items.length ? (
        <Empty>{t('settlement.buyerRefunds.empty')}</Empty>
      ) : (
        <ul className="invoice-list" data-testid="buyer-refunds">
          {owed.items.map((r: BuyerRefund) => (
            <RefundTask
              key={r.id}
              line={t('settlement.buyerRefunds.line', { what: t(`settlement.buyerRefunds.source.${r.source}`), amount: yuan(r.amount_fen), user: r.user_id })}
              record={(ref) => completeBuyerRefund(house, r.id, ref)}
              onDone={owed.reload}
            />
          ))}
        </ul>
      )}
      <LoadMore hasMore={owed.hasMore} loading={owed.loading} onClick={owed.loadMore} />
    </>
  );
}

/**
 * Open disputes: the house's administrators answer each (rejected, a price adjustment, or unwinding the sale), except
 * a case before the association, whose ruling the books take as the house's answer.
 */
export function DeskDisputes({ house }: { house: number }) {
  const { t } = useI18n();
  const list = useList(() => houseDisputes(house, null), [house]);
  if (list.error) return <LoadError error={list.error} onRetry={list.reload} />;
  if (!list.items) return <Loading />;
  const open = list.items.filter((d) => d.status === 'open');
  // The association's rulings stay in view: the house pays any refund they name, as it would its own answer's.
  const ruled = list.items.filter((d) => d.status === 'answered' && d.ruling);
  const card = (d: Dispute, testId: string, action: ReactNode) => (
    <li key={d.id} className="card" data-testid={testId}>
      <h3>
        {t('settlement.disputes.title', { id: d.id, sale: d.sale_id })} <span className="badge">{t(`settlement.dispute.reason.${d.reason}`)}</span>
      </h3>
      <p>{d.description}</p>
      <DisputeState dispute={d} />
      <EvidencePhotos dispute={d} />
      {action}
    </li>
  );
  return (
    <>
      {open.length ? (
        <ul className="invoice-list" data-testid="disputes">
          {open.map((d) =>
            card(
              d,
              'dispute-row',
              d.level === 'association' ? (
                <p className="small muted" data-testid="with-association">
                  {t('settlement.ruling.withAssociation')}
                </p>
              ) : (
                <DecisionForm by="house" send={(x) => answerDispute(d.id, x)} onDone={list.reload} />
              ),
            ),
          )}
        </ul>
      ) : (
        <Empty>{t('settlement.disputes.none')}</Empty>
      )}
      {ruled.length > 0 && (
        <>
          <h3>{t('settlement.ruling.desk')}</h3>
          <ul className="invoice-list" data-testid="ruled-disputes">
            {ruled.map((d) => card(d, 'ruled-row', null))}
          </ul>
        </>
      )}
    </>
  );
}

function TransferRow({ transfer, onDone }: { transfer: Transfer; onDone: () => void }) {
  const { t } = useI18n();
  const docs = useMutation(async () => {
    await handDocuments(transfer.sale_id, TRANSFER_DOCUMENTS);
    onDone();
  });
  const confirm = useMutation(async () => {
    await confirmTransfer(transfer.sale_id);
    onDone();
  });
  return (
    <tr data-testid="transfer-row" className={transfer.overdue ? 'row-danger' : undefined}>
      <td>{transfer.sale_id}</td>
      <td>{t(`settlement.transfer.status.${transfer.status}`)}</td>
      <td>{formatDate(transfer.deadline)}</td>
      <td>
        {transfer.status === 'pending' && (
          <button type="button" className="btn" disabled={docs.pending} onClick={() => void docs.run()}>
            {t('settlement.transfers.handDocuments')}
          </button>
        )}
        {transfer.status === 'filed' && transfer.proof_uploaded && (
          <>
            <a href={`/api/sales/${transfer.sale_id}/transfer/proof`} target="_blank" rel="noreferrer">
              {t('settlement.transfers.proof')}
            </a>{' '}
            <button type="button" className="btn" disabled={confirm.pending} onClick={() => void confirm.run()}>
              {t('settlement.transfers.confirm')}
            </button>
          </>
        )}
        <FormError error={docs.error ?? confirm.error} />
      </td>
    </tr>
  );
}

/** Open 过户, nearest deadline first: hand the three documents over, then confirm once the buyer's proof is in. */
export function DeskTransfers({ house }: { house: number }) {
  const { t } = useI18n();
  const list = useList(async () => (await houseTransfers(house, null)).filter((x) => x.status !== 'done' && x.status !== 'cancelled'), [house]);
  if (list.error) return <LoadError error={list.error} onRetry={list.reload} />;
  if (!list.items) return <Loading />;
  if (!list.items.length) return <Empty>{t('settlement.transfers.none')}</Empty>;
  return (
    <table className="table" data-testid="transfers">
      <thead>
        <tr>
          <th>{t('settlement.desk.saleNo')}</th>
          <th>{t('common.status')}</th>
          <th>{t('settlement.transfers.deadline')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {list.items.map((x) => (
          <TransferRow key={x.sale_id} transfer={x} onDone={list.reload} />
        ))}
      </tbody>
    </table>
  );
}
