import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Empty, LoadError, Loading, Notice } from '../../../components/feedback';
import { FormError } from '../../../components/form';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMutation } from '../../../hooks/use-mutation';
import { formatDateTime } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { formatWan, formatYuan } from '../../../lib/money';
import { useSession } from '../../../lib/session';
import {
  decideOffer,
  getListing,
  listingOffers,
  myOffers,
  type Listing,
  type Offer,
  type OfferAction,
} from '../api/listings';
import { useListings } from '../hooks/use-listing-titles';
import { managesListing } from '../lib/manages';
import { checkCounter, parseWan } from '../lib/money-input';

function useOfferStatus() {
  const { t } = useI18n();
  return (o: Offer) => t(`listings.offers.status.${o.status}`);
}

/** The buyer's offers, with what they can still do: accept a counter-offer, or withdraw. */
export function MyOffersPage() {
  const { t, locale } = useI18n();
  useDocumentTitle(t('listings.offers.title'));
  const status = useOfferStatus();
  const [offers, setOffers] = useState<Offer[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    myOffers().then(setOffers, setError);
  }, []);
  useEffect(load, [load]);
  const listings = useListings(offers?.map((o) => o.listing_id) ?? []);
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
                    <Link to={`/listings/${o.listing_id}`}>{listings[o.listing_id]?.title ?? `#${o.listing_id}`}</Link>
                  </td>
                  <td>{formatWan(o.amount_fen, 'zh-CN')}</td>
                  <td data-testid="offer-counter">{o.counter_fen ? formatWan(o.counter_fen, 'zh-CN') : '—'}</td>
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
                        {t('listings.offers.acceptCounter', { amount: formatWan(o.counter_fen, 'zh-CN') })}
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
        {t('listings.offers.asking')}: <strong>{formatWan(listing.price_fen, 'zh-CN')}</strong> ·{' '}
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
                <td>#{o.buyer_user_id}</td>
                <td data-testid="offer-amount">{formatWan(o.amount_fen, 'zh-CN')}</td>
                <td data-testid="offer-counter">{o.counter_fen ? formatWan(o.counter_fen, 'zh-CN') : '—'}</td>
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
  const [counter, setCounter] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  if (offer.status !== 'open' && offer.status !== 'countered') return null;
  const submitCounter = (e: FormEvent) => {
    e.preventDefault();
    const checked = checkCounter(counter, offer.amount_fen, askingFen);
    if (!checked.ok) {
      setProblem(
        t(`listings.offers.problem.${checked.problem}`, {
          asking: formatWan(askingFen, 'zh-CN'),
          offer: formatWan(offer.amount_fen, 'zh-CN'),
        }),
      );
      return;
    }
    setProblem(null);
    onDecide('counter', checked.fen);
  };
  const preview = parseWan(counter);
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
          <label>
            {t('listings.offers.counterAmount')}{' '}
            <input
              inputMode="decimal"
              value={counter}
              size={8}
              onChange={(e) => setCounter(e.target.value)}
              aria-invalid={problem ? true : undefined}
              data-testid="counter-amount"
            />
          </label>
          {preview !== undefined && <span className="muted"> {t('listings.offers.exact', { yuan: formatYuan(preview) })}</span>}
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
