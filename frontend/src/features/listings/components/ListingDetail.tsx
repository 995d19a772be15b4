import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { LoadError, Loading, Notice } from '../../../components/feedback';
import { MoneyInput } from '../../../components/money-input';
import { FormError } from '../../../components/form';
import { useDocumentTitle } from '../../../hooks/use-document-title';
import { useMutation } from '../../../hooks/use-mutation';
import { useI18n } from '../../../lib/i18n';
import { useMoney } from '../../../hooks/use-money';
import { useSession } from '../../../lib/session';
import { getListing, listingOffers, makeOffer, watch, type Listing, type Offer, type Photo } from '../api/listings';
import { managesListing } from '../lib/manages';
import { checkOffer } from '../lib/money-input';
import { useLabels } from './labels';

export function ListingDetail({ id }: { id: number }) {
  const { t } = useI18n();
  const { money } = useMoney();
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => {
    setError(null);
    getListing(id).then(setListing, setError);
  };
  useEffect(load, [id]);
  useDocumentTitle(listing?.title ?? t('listings.search.title'));
  const session = useSession();
  const manages = !!listing && managesListing(session.me, listing);
  if (error) return <LoadError error={error} onRetry={load} />;
  if (!listing) return <Loading />;
  return (
    <div className="page wide listing-detail">
      <h1 data-testid="listing-title">{listing.title}</h1>
      <p className="listing-price big" data-testid="detail-price">
        {money(listing.price_fen)}
        {listing.negotiable && <span className="badge"> {t('listings.detail.negotiable')}</span>}
        {listing.status !== 'published' && <span className="badge"> {t(`listings.status.${listing.status}`)}</span>}
      </p>
      <div className="detail-layout">
        <div>
          <Gallery listing={listing} />
          <Spec listing={listing} />
          <Condition listing={listing} />
        </div>
        <aside>
          <section className="card">
            <h2>{t('listings.detail.dealer')}</h2>
            <p>{listing.dealer.name}</p>
            {listing.dealer.verified && <p className="badge">{t('listings.detail.verified')}</p>}
            <p>
              {listing.location_province} {listing.location_city}
            </p>
          </section>
          {manages ? <DealerTools listing={listing} /> : <BuyerActions listing={listing} onChange={setListing} />}
        </aside>
      </div>
    </div>
  );
}

function Gallery({ listing }: { listing: Listing }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState(0);
  const photo = listing.photos[current];
  if (!photo) return <p className="muted">{t('listings.detail.noPhotos')}</p>;
  return (
    <div className="gallery">
      <img src={photo.url} alt={listing.title} className="gallery-main" />
      <div className="gallery-strip">
        {listing.photos.map((p, i) => (
          <button key={p.id} type="button" onClick={() => setCurrent(i)} aria-label={`${i + 1}`} aria-pressed={i === current}>
            <img src={p.thumb_url ?? p.url} alt="" loading="lazy" />
          </button>
        ))}
      </div>
    </div>
  );
}

function Spec({ listing }: { listing: Listing }) {
  const { t, tDynamic, locale } = useI18n();
  const label = useLabels();
  const v = listing.vehicle;
  const yesNo = (b: boolean) => (b ? t('common.yes') : t('common.no'));
  const rows: [string, string][] = [
    [t('listings.spec.vin'), v.vin],
    [t('listings.spec.manufacturer'), [v.manufacturer, v.country].filter(Boolean).join(', ')],
    [t('listings.spec.year'), v.model_year ? String(v.model_year) : ''],
    [t('listings.spec.firstRegistration'), v.first_registration ?? ''],
    [t('listings.spec.mileage'), t('listings.card.km', { km: v.mileage_km.toLocaleString(locale) })],
    [t('listings.spec.energy'), label('energy_type', v.energy_type)],
    [t('listings.spec.transmission'), v.transmission ? tDynamic(`listings.transmission.${v.transmission}`, v.transmission) : ''],
    [t('listings.spec.displacement'), v.displacement_ml ? `${(v.displacement_ml / 1000).toFixed(1)} L` : ''],
    [t('listings.spec.battery'), v.battery_kwh ? `${v.battery_kwh} kWh` : ''],
    [t('listings.spec.emission'), v.emission_standard],
    [t('listings.spec.colour'), v.colour],
    [t('listings.spec.transfers'), String(v.transfers)],
    [t('listings.spec.registration'), `${v.plate_prefix} ${v.registration_province} ${v.registration_city}`.trim()],
    [t('listings.spec.usage'), v.usage === 'commercial' ? t('listings.usage.commercial') : t('listings.usage.non_commercial')],
    [t('listings.spec.flags'), `${yesNo(v.accident)} / ${yesNo(v.flood)} / ${yesNo(v.fire)}`],
  ];
  return (
    <section className="card">
      <h2>{t('listings.detail.spec')}</h2>
      <dl className="spec-grid" data-testid="spec">
        {rows
          .filter(([, value]) => value)
          .map(([k, value]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
    </section>
  );
}

function ConditionPhoto({ photo }: { photo: Photo | undefined }) {
  const { t } = useI18n();
  if (!photo) return null;
  return (
    <a href={photo.url} target="_blank" rel="noreferrer" title={t('listings.condition.photo')}>
      <img className="condition-thumb" src={photo.thumb_url ?? photo.url} alt={t('listings.condition.photo')} data-testid="condition-report-photo" />
    </a>
  );
}

function Condition({ listing }: { listing: Listing }) {
  const { t, tDynamic } = useI18n();
  return (
    <section className="card">
      <h2>{t('listings.detail.condition')}</h2>
      {listing.condition.length === 0 ? (
        <p className="muted">{t('listings.detail.noCondition')}</p>
      ) : (
        <table data-testid="condition-report">
          <tbody>
            {listing.condition.map((c, i) => (
              <tr key={i} data-testid="condition-report-row">
                <th>{c.item}</th>
                <td className="condition-grade">{tDynamic(`listings.grade.${c.grade}`, c.grade)}</td>
                <td>{c.note}</td>
                <td>
                  <ConditionPhoto photo={listing.photos.find((p) => p.id === c.photo_id)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function BuyerActions({ listing, onChange }: { listing: Listing; onChange: (l: Listing) => void }) {
  const { t } = useI18n();
  const { money, moneyExact } = useMoney();
  const session = useSession();
  const [amount, setAmount] = useState('');
  const [sent, setSent] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const toggleWatch = useMutation(async () => {
    await watch(listing.id, !listing.watching);
    onChange({ ...listing, watching: !listing.watching });
  });
  const [mine, setMine] = useState<Offer | null>(null);
  const signedIn = session.status === 'authenticated';
  useEffect(() => {
    if (!signedIn) return;
    let live = true;
    // For a buyer the listing's offers are their own; the newest is the one that matters.
    listingOffers(listing.id).then((offers) => live && setMine(offers[0] ?? null), () => undefined);
    return () => {
      live = false;
    };
  }, [listing.id, signedIn]);
  const offer = useMutation(async (fen: number) => {
    const made = await makeOffer(listing.id, fen, '');
    setMine(made);
    return made;
  });
  if (!signedIn) {
    return (
      <p className="card">
        <Link to={`/login?next=${encodeURIComponent(`/listings/${listing.id}`)}`}>{t('listings.detail.loginToAct')}</Link>
      </p>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSent(false);
    const checked = checkOffer(amount, listing.price_fen);
    if (!checked.ok) {
      setProblem(
        t(`listings.offers.problem.${checked.problem}`, {
          asking: money(listing.price_fen),
          half: money(Math.ceil(listing.price_fen / 2)),
        }),
      );
      return;
    }
    setProblem(null);
    if ((await offer.run(checked.fen)).ok) setSent(true);
  };
  return (
    <section className="card">
      <button type="button" className="btn" onClick={() => void toggleWatch.run()} data-testid="watch-button">
        {listing.watching ? t('listings.detail.unwatch') : t('listings.detail.watch')}
      </button>
      <FormError error={toggleWatch.error} />
      {mine && (
        <p className="my-offer" data-testid="my-offer">
          {t('listings.detail.yourOffer', { amount: moneyExact(mine.amount_fen) })} ·{' '}
          {t(`listings.offers.status.${mine.status}`)}
          {mine.counter_fen ? ` (${t('listings.offers.counter')}: ${moneyExact(mine.counter_fen)})` : ''} ·{' '}
          <Link to="/me/offers">{t('nav.offers')}</Link>
        </p>
      )}
      {listing.negotiable && listing.status === 'published' && (
        <form onSubmit={submit} className="offer-form">
          <MoneyInput label={t('listings.detail.offer')} unit="wan" value={amount} onValueChange={setAmount} data-testid="offer-amount" />
          <button type="submit" className="btn btn-primary" disabled={offer.pending}>
            {t('listings.detail.offerSend')}
          </button>
          {problem && (
            <p className="field-error" role="alert" data-testid="offer-problem">
              {problem}
            </p>
          )}
          <FormError error={offer.error} />
          {sent && <Notice>{t('listings.detail.offerSent')}</Notice>}
        </form>
      )}
    </section>
  );
}

function DealerTools({ listing }: { listing: Listing }) {
  const { t } = useI18n();
  return (
    <section className="card">
      <h2>{t('listings.detail.dealerTools')}</h2>
      <div className="dealer-tools">
        <Link to={`/dealer/listings/${listing.id}/edit`} className="btn btn-ghost">
          {t('listings.inventory.edit')}
        </Link>
        <Link to={`/dealer/listings/${listing.id}/condition`} className="btn btn-ghost" data-testid="detail-condition-link">
          {t('listings.condition.edit')}
        </Link>
        <Link to={`/dealer/listings/${listing.id}/offers`} className="btn btn-ghost" data-testid="detail-offers-link">
          {t('listings.offers.manage')}
        </Link>
      </div>
    </section>
  );
}
