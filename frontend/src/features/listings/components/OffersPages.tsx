import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Empty, LoadError, LoadMore, Loading, Notice } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { MoneyInput } from '../../../components/money-input';
import { useCursorList } from '../../../hooks/use-cursor-list';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { useMoney } from '../../../hooks/use-money';
import { useSession } from '../../../lib/session';
import {
  dealerOffers,
  decideOffer,
  getListing,
  listingOffers,
  myOffers,
  type Listing,
  type Offer,
  type OfferAction,
  type OfferStatus,
} from '../api/listings';
import { managesListing } from '../lib/manages';
import { checkCounter } from '../lib/money-input';

function useOfferStatus() {
  const { t } = useI18n();
  return (o: Offer) => t(`listings.offers.status.${o.status}`);
}

/** The buyer's offers, with what they can still do: accept a counter-offer, or withdraw. */
export function MyOffersPage() {
  const { t, locale } = useI18n();
  const { moneyExact } = useMoney();
  useDocumentTitle(t('listings.offers.title'));
  const status = useOfferStatus();
  const [offers, setOffers] = useState<Offer[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    myOffers().then(setOffers, setError);
  }, []);
  useEffect(load, [load]);
  const [done, setDone] = useState<Offer | null>(null);
  const decide = useMutation(async (o: Offer, action: OfferAction) => {
    const updated = await decideOffer(o.id, action);
    setOffers((all) => all?.map((x) => (x.id === o.id ? updated : x)) ?? null);
    setDone(updated);
  });
  return (
    <div className="page wide">
      <h1>{t('listings.offers.title')}</h1>
      <FormError error={decide.error} />
      {done && <Notice>{t('listings.offers.done', { status: status(done) })}</Notice>}
      {error ? (
        <LoadError error={error} onRetry={load} />
      ) : !offers ? (
        <Loading />
      ) : !offers.length ? (
        <Empty>{t('listings.offers.empty')}</Empty>
      ) : (
        <table className="table" data-testid="my-offers">
          <thead>
            <tr>
              <th>{t('listings.offers.car')}</th>
              <th>{t('listings.offers.amount')}</th>
              <th>{t('listings.offers.counter')}</th>
              <th>{t('common.status')}</th>
              <th>{t('listings.offers.expires')}</th>
              <th>{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {offers.map((o) => {
              const live = o.status === 'open' || o.status === 'countered';
              return (
                <tr key={o.id} data-testid="offer-row">
                  <td>
                    <CarLink offer={o} />
                  </td>
                  <td>{moneyExact(o.amount_fen)}</td>
                  <td data-testid="offer-counter">{o.counter_fen ? moneyExact(o.counter_fen) : '—'}</td>
                  <td data-testid="offer-status">{status(o)}</td>
                  <td>{live ? formatDateTime(o.expires_at, locale) : '—'}</td>
                  <td className="row-actions">
                    {o.status === 'countered' && o.counter_fen && (
                      <button
                        type="button"
                        className="btn btn-primary"
                        disabled={decide.pending}
                        onClick={() => void decide.run(o, 'accept_counter')}
                        data-testid="offer-accept-counter"
                      >
                        {t('listings.offers.acceptCounter', { amount: moneyExact(o.counter_fen) })}
                      </button>
                    )}
                    {live && (
                      <button
                        type="button"
                        className="btn btn-ghost"
                        disabled={decide.pending}
                        onClick={() => void decide.run(o, 'withdraw')}
                        data-testid="offer-withdraw"
                      >
                        {t('listings.offers.withdraw')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The dealer's view of the offers on one listing: accept, counter or decline. */
export function ListingOffersPage({ id }: { id: number }) {
  const { t, locale } = useI18n();
  const { money, moneyExact } = useMoney();
  const session = useSession();
  const status = useOfferStatus();
  const [listing, setListing] = useState<Listing | null>(null);
  const [offers, setOffers] = useState<Offer[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    Promise.all([getListing(id), listingOffers(id)]).then(([l, o]) => {
      setListing(l);
      setOffers(o);
    }, setError);
  }, [id]);
  useEffect(load, [load]);
  useDocumentTitle(listing ? t('listings.offers.dealerTitle', { title: listing.title }) : t('listings.offers.manage'));
  const [done, setDone] = useState<Offer | null>(null);
  const decide = useMutation(async (o: Offer, action: OfferAction, counterFen?: number) => {
    const updated = await decideOffer(o.id, action, counterFen);
    setDone(updated);
    // Acceptance reserves the car and declines the other live offers: show the server's state of all of them.
    if (updated.status === 'accepted') load();
    else setOffers((all) => all?.map((x) => (x.id === o.id ? updated : x)) ?? null);
  });
  if (error) return <LoadError error={error} onRetry={load} />;
  if (!listing || !offers) return <Loading />;
  if (!managesListing(session.me, listing)) {
    return (
      <Notice tone="warning">
        {t('listings.offers.notDealer')} <Link to="/me/offers">{t('nav.offers')}</Link>
      </Notice>
    );
  }
  return (
    <div className="page wide">
      <h1>{t('listings.offers.dealerTitle', { title: listing.title })}</h1>
      <p>
        {t('listings.offers.asking')}: <strong>{money(listing.price_fen)}</strong> ·{' '}
        <span data-testid="listing-status">{t(`listings.status.${listing.status}`)}</span> ·{' '}
        <Link to={`/listings/${listing.id}`}>{t('listings.condition.view')}</Link>
      </p>
      <FormError error={decide.error} />
      {done &&
        (done.status === 'accepted' ? (
          <Notice>{t('listings.offers.reserved')}</Notice>
        ) : (
          <Notice>{t('listings.offers.done', { status: status(done) })}</Notice>
        ))}
      {!offers.length ? (
        <Empty>{t('listings.offers.dealerEmpty')}</Empty>
      ) : (
        <table className="table" data-testid="listing-offers">
          <thead>
            <tr>
              <th>{t('listings.offers.buyer')}</th>
              <th>{t('listings.offers.amount')}</th>
              <th>{t('listings.offers.counter')}</th>
              <th>{t('listings.offers.message')}</th>
              <th>{t('common.status')}</th>
              <th>{t('listings.offers.expires')}</th>
              <th>{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {offers.map((o) => (
              <tr key={o.id} data-testid="offer-row">
                <td data-testid="offer-buyer">{o.buyer_label}</td>
                <td data-testid="offer-amount">{moneyExact(o.amount_fen)}</td>
                <td data-testid="offer-counter">{o.counter_fen ? moneyExact(o.counter_fen) : '—'}</td>
                <td>{o.message}</td>
                <td data-testid="offer-status">{status(o)}</td>
                <td>{o.status === 'open' || o.status === 'countered' ? formatDateTime(o.expires_at, locale) : '—'}</td>
                <td>
                  <DealerActions
                    offer={o}
                    askingFen={listing.price_fen}
                    pending={decide.pending}
                    onDecide={(action, fen) => void decide.run(o, action, fen)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The offer's car by title, or by number once it is no longer public (the API then sends no summary). */
function CarLink({ offer, to }: { offer: Offer; to?: string }) {
  const { t } = useI18n();
  if (!offer.listing) {
    return <span className="muted">{t('listings.offers.unavailable', { id: offer.listing_id })}</span>;
  }
  return <Link to={to ?? `/listings/${offer.listing_id}`}>{offer.listing.title}</Link>;
}

const OFFER_STATUSES: OfferStatus[] = ['open', 'countered', 'accepted', 'declined', 'expired', 'withdrawn'];

/** Every offer on the dealer's cars, newest first, with the same actions as the offers page of one car. */
export function DealerOffersPage() {
  const { t } = useI18n();
  const session = useSession();
  useDocumentTitle(t('listings.dealerOffers.title'));
  const dealers = (session.me?.organisations ?? []).filter((o) => o.kind === 'dealer');
  const [orgId, setOrgId] = useState<number | null>(dealers[0]?.id ?? null);
  const [filter, setFilter] = useState<OfferStatus | ''>('');
  if (!dealers.length || orgId === null) return <Empty>{t('listings.inventory.noDealer')}</Empty>;
  return (
    <div className="page wide">
      <div className="results-head">
        <h1>{t('listings.dealerOffers.title')}</h1>
        {dealers.length > 1 && (
          <select value={orgId} onChange={(e) => setOrgId(Number(e.target.value))} aria-label={t('listings.dealerOffers.dealer')}>
            {dealers.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        )}
        <label>
          {t('common.status')}{' '}
          <select
            value={filter}
            onChange={(e) => setFilter(e.target.value as OfferStatus | '')}
            data-testid="dealer-offers-status"
          >
            <option value="">{t('listings.dealerOffers.all')}</option>
            {OFFER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`listings.offers.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <Link to="/dealer/inventory" className="btn btn-ghost">
          {t('listings.inventory.title')}
        </Link>
      </div>
      <DealerOffersTable orgId={orgId} status={filter} />
    </div>
  );
}

function DealerOffersTable({ orgId, status: filter }: { orgId: number; status: OfferStatus | '' }) {
  const { t, locale } = useI18n();
  const { money, moneyExact } = useMoney();
  const status = useOfferStatus();
  const list = useCursorList<Offer>((cursor, signal) => dealerOffers(orgId, cursor, filter, signal), [orgId, filter]);
  const [done, setDone] = useState<Offer | null>(null);
  const decide = useMutation(async (o: Offer, action: OfferAction, counterFen?: number) => {
    const updated = await decideOffer(o.id, action, counterFen);
    setDone(updated);
    // Acceptance reserves the car and declines its other live offers: reload to show the server's state.
    if (updated.status === 'accepted') list.reload();
    else list.setItems((all) => all.map((x) => (x.id === o.id ? updated : x)));
  });
  return (
    <>
      <FormError error={decide.error} />
      {done &&
        (done.status === 'accepted' ? (
          <Notice>{t('listings.offers.reserved')}</Notice>
        ) : (
          <Notice>{t('listings.offers.done', { status: status(done) })}</Notice>
        ))}
      {list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : list.loading && !list.items.length ? (
        <Loading />
      ) : !list.items.length ? (
        <Empty>{t(filter ? 'listings.dealerOffers.noneOfStatus' : 'listings.dealerOffers.empty')}</Empty>
      ) : (
        <table className="table" data-testid="dealer-offers">
          <thead>
            <tr>
              <th>{t('listings.offers.car')}</th>
              <th>{t('listings.offers.asking')}</th>
              <th>{t('listings.offers.buyer')}</th>
              <th>{t('listings.offers.amount')}</th>
              <th>{t('listings.offers.counter')}</th>
              <th>{t('listings.offers.message')}</th>
              <th>{t('common.status')}</th>
              <th>{t('listings.offers.expires')}</th>
              <th>{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((o) => (
              <tr key={o.id} data-testid="offer-row">
                <td data-testid="offer-car">
                  <CarLink offer={o} to={`/dealer/listings/${o.listing_id}/offers`} />
                  {o.listing && o.listing.status !== 'published' && (
                    <span className="badge"> {t(`listings.status.${o.listing.status}`)}</span>
                  )}
                </td>
                <td>{o.listing ? money(o.listing.price_fen) : '—'}</td>
                <td data-testid="offer-buyer">{o.buyer_label}</td>
                <td data-testid="offer-amount">{moneyExact(o.amount_fen)}</td>
                <td data-testid="offer-counter">{o.counter_fen ? moneyExact(o.counter_fen) : '—'}</td>
                <td>{o.message}</td>
                <td data-testid="offer-status">{status(o)}</td>
                <td>{o.status === 'open' || o.status === 'countered' ? formatDateTime(o.expires_at, locale) : '—'}</td>
                <td>
                  {o.listing && (
                    <DealerActions
                      offer={o}
                      askingFen={o.listing.price_fen}
                      pending={decide.pending}
                      onDecide={(action, fen) => void decide.run(o, action, fen)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} />
    </>
  );
}

function DealerActions({
  offer,
  askingFen,
  pending,
  onDecide,
}: {
  offer: Offer;
  askingFen: number;
  pending: boolean;
  onDecide: (action: OfferAction, counterFen?: number) => void;
}) {
  const { t } = useI18n();
  const { money, moneyExact } = useMoney();
  const [counter, setCounter] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  if (offer.status !== 'open' && offer.status !== 'countered') return null;
  const submitCounter = (e: FormEvent) => {
    e.preventDefault();
    const checked = checkCounter(counter, offer.amount_fen, askingFen);
    if (!checked.ok) {
      setProblem(
        t(`listings.offers.problem.${checked.problem}`, {
          asking: money(askingFen),
          offer: moneyExact(offer.amount_fen),
        }),
      );
      return;
    }
    setProblem(null);
    onDecide('counter', checked.fen);
  };
  return (
    <div className="offer-actions">
      {offer.status === 'open' && (
        <button type="button" className="btn btn-primary" disabled={pending} onClick={() => onDecide('accept')} data-testid="offer-accept">
          {t('listings.offers.accept')}
        </button>
      )}
      <button type="button" className="btn btn-ghost" disabled={pending} onClick={() => onDecide('decline')} data-testid="offer-decline">
        {t('listings.offers.decline')}
      </button>
      {offer.status === 'open' && (
        <form onSubmit={submitCounter} className="counter-form" noValidate>
          <MoneyInput
            layout="inline"
            label={t('listings.offers.counterAmount')}
            unit="wan"
            value={counter}
            size={8}
            onValueChange={setCounter}
            aria-invalid={problem ? true : undefined}
            data-testid="counter-amount"
          />
          <button type="submit" className="btn" disabled={pending} data-testid="offer-counter-send">
            {t('listings.offers.counterSend')}
          </button>
          {problem && (
            <p className="field-error" role="alert" data-testid="counter-problem">
              {problem}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
