import { useState } from 'react';
import { useI18n, type MessageKey } from '../../../lib/i18n';
import type { LotPage } from '../api/auctions';

/** The car beside the price, as a lot page shows it: photos, key specs and the condition report's summary. */
export function LotCar({ page }: { page: LotPage }) {
  const { t, locale } = useI18n();
  const [shown, setShown] = useState(0);
  const v = page.vehicle;
  const specs = page.specs;
  const photo = page.photos[shown] ?? page.photos[0];
  const c = page.condition;
  const rows: [string, string][] = [];
  const add = (key: MessageKey, value: string | number | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') rows.push([t(key), String(value)]);
  };
  if (v) {
    add('auctions.spec.year', v.model_year);
    add('auctions.spec.mileage', `${v.mileage_km.toLocaleString(locale)} km`);
    add('auctions.spec.firstRegistration', v.first_registration);
    add('auctions.spec.energy', t(`auctions.energy.${v.energy_type}` as MessageKey) === `auctions.energy.${v.energy_type}` ? v.energy_type : t(`auctions.energy.${v.energy_type}` as MessageKey));
  }
  add('auctions.spec.transmission', specs.transmission);
  if (specs.displacement_ml) add('auctions.spec.displacement', `${(specs.displacement_ml / 1000).toFixed(1)} L`);
  if (specs.battery_kwh) add('auctions.spec.battery', `${specs.battery_kwh} kWh`);
  add('auctions.spec.emission', specs.emission_standard);
  if (v) {
    add('auctions.spec.colour', v.colour);
    add('auctions.spec.city', [specs.plate_prefix, v.city].filter(Boolean).join(' '));
    add('auctions.spec.transfers', v.transfers);
  }
  if (specs.usage) add('auctions.spec.usage', t(specs.usage === 'commercial' ? 'auctions.usage.commercial' : 'auctions.usage.nonCommercial'));
  const declared = (['accident', 'flood', 'fire'] as const).filter((k) => c[k]);
  return (
    <div className="lot-car" data-testid="lot-car">
      {photo ? (
        <figure className="lot-photos">
          <img className="lot-photo-main" src={photo.url} alt={t('auctions.photoOf', { n: shown + 1, title: v?.title ?? '' })} width={photo.width} height={photo.height} data-testid="lot-photo" />
          {page.photos.length > 1 && (
            <div className="lot-thumbs" role="list">
              {page.photos.map((p, i) => (
                <button key={p.id} type="button" role="listitem" className={i === shown ? 'lot-thumb active' : 'lot-thumb'} onClick={() => setShown(i)} aria-label={t('auctions.photoOf', { n: i + 1, title: v?.title ?? '' })}>
                  <img src={p.thumb_url ?? p.url} alt="" loading="lazy" />
                </button>
              ))}
            </div>
          )}
        </figure>
      ) : (
        <p className="lot-no-photo muted small">{t('auctions.noPhotos')}</p>
      )}
      <section className="card lot-specs">
        <h3>{t('auctions.spec.title')}</h3>
        <dl className="spec-list" data-testid="lot-specs">
          {rows.map(([k, value]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section className="card lot-condition" data-testid="lot-condition">
        <h3>{t('auctions.condition.title')}</h3>
        {c.worst_grade && (
          <p>
            {t('auctions.condition.worst', { grade: c.worst_grade, n: c.items })}
          </p>
        )}
        {c.text && <p className="pre-line">{c.text}</p>}
        {c.flagged.length > 0 && (
          <ul className="condition-flagged">
            {c.flagged.map((f, i) => (
              <li key={i}>
                <span className="badge badge-warning">{f.grade}</span> {f.item}
                {f.note && ` — ${f.note}`}
              </li>
            ))}
          </ul>
        )}
        <p className={declared.length ? 'alert alert-warning' : 'muted small'} data-testid="condition-declared">
          {declared.length
            ? t('auctions.condition.declared', { what: declared.map((k) => t(`auctions.condition.${k}` as MessageKey)).join(t('auctions.condition.sep')) })
            : t('auctions.condition.noneDeclared')}
        </p>
        {!c.text && !c.worst_grade && <p className="muted small">{t('auctions.condition.none')}</p>}
      </section>
    </div>
  );
}
