import { api, type Page, type QueryValue } from '../../../lib/api-client';

export interface SearchHit {
  id: number;
  title: string;
  make: string;
  model: string;
  series: string;
  energy_type: string;
  body_type: string;
  year: number;
  mileage_km: number;
  price_fen: number;
  city: string;
  province: string;
  thumb_url: string | null;
  published_at: number;
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface SearchResult {
  total: number;
  page: number;
  per_page: number;
  hits: SearchHit[];
  facets: Record<string, FacetValue[]>;
}

export interface Photo {
  id: number;
  url: string;
  thumb_url: string | null;
  width: number;
  height: number;
}

export interface Vehicle {
  vin: string;
  manufacturer: string;
  country: string;
  make: string;
  make_en: string;
  model: string;
  model_en: string;
  series: string;
  body_type: string;
  energy_type: string;
  transmission: string;
  displacement_ml: number | null;
  battery_kwh: number | null;
  emission_standard: string;
  colour: string;
  model_year: number | null;
  first_registration: string | null;
  mileage_km: number;
  transfers: number;
  plate_prefix: string;
  registration_province: string;
  registration_city: string;
  usage: string;
  accident: boolean;
  flood: boolean;
  fire: boolean;
}

export interface Listing {
  id: number;
  status: 'draft' | 'published' | 'reserved' | 'sold' | 'withdrawn' | 'expired';
  price_fen: number;
  negotiable: boolean;
  title: string;
  description: string;
  location_province: string;
  location_city: string;
  version: number;
  published_at: string | null;
  dealer: { id: number; name: string; verified: boolean };
  vehicle: Vehicle;
  photos: Photo[];
  condition: { item: string; grade: string; note: string; photo_id: number | null }[];
  watching: boolean;
}

export interface ImportReport {
  imported: boolean;
  rows: number;
  created: number;
  updated: number;
  errors: { line: number; column: string; reason: string; code?: string | null }[];
}

export type ListingInput = Record<string, unknown>;

export const searchListings = (query: Record<string, QueryValue>, signal?: AbortSignal) =>
  api.get<SearchResult>('/api/listings/search', { query, signal });
export const getListing = (id: number) => api.get<Listing>(`/api/listings/${id}`);
export const createListing = (body: ListingInput) => api.post<Listing>('/api/listings', body);
export const updateListing = (id: number, body: ListingInput) => api.patch<Listing>(`/api/listings/${id}`, body);
export const transition = (id: number, action: 'publish' | 'withdraw' | 'reserve' | 'release') =>
  api.post<Listing>(`/api/listings/${id}/${action}`);
/** A page of a dealer's inventory: `total` matches q and status on every page; `counts` are by status for q. */
export interface InventoryPage extends Page<Listing> {
  total: number;
  counts: Partial<Record<Listing['status'], number>>;
}

export interface InventoryQuery {
  q?: string;
  status?: Listing['status'] | '';
  cursor?: string | null;
  limit?: number;
}

export const inventory = (orgId: number, query: InventoryQuery = {}, signal?: AbortSignal) =>
  api.get<InventoryPage>(`/api/dealers/${orgId}/inventory`, {
    query: { q: query.q, status: query.status, cursor: query.cursor, limit: query.limit },
    signal,
  });
export const watch = (id: number, on: boolean) =>
  on ? api.put<void>(`/api/listings/${id}/watch`) : api.delete(`/api/listings/${id}/watch`);
export const makeOffer = (id: number, amount_fen: number, message: string) =>
  api.post<Offer>(`/api/listings/${id}/offers`, { amount_fen, message });

/** Raw-body uploads (photos, spreadsheets): refusals arrive as ApiError with their code, like every other call. */
const upload = <T>(path: string, file: Blob, contentType: string): Promise<T> =>
  api.post<T>(path, undefined, { raw: { data: file, contentType } });

export const uploadPhoto = (id: number, file: Blob) => upload<Photo>(`/api/listings/${id}/photos`, file, file.type);
export const importInventory = (orgId: number, file: File, goodRowsOnly: boolean) => {
  const format = file.name.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
  return upload<ImportReport>(
    `/api/dealers/${orgId}/inventory/import?format=${format}&good_rows_only=${goodRowsOnly}`,
    file,
    format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
  );
};

// --- Watchlist, saved searches, alerts, offers and condition reports (the buyer's and dealer's "me" pages).

/** The watchlist, most recently watched first, a cursor page at a time. */
export const getWatchlist = (cursor: string | null, signal?: AbortSignal): Promise<Page<Listing>> =>
  api.getPage<Listing>('/api/me/watchlist', cursor, undefined, signal);

/** What offers and alerts carry of their car; null once the listing is no longer public (withdrawn, expired). */
export interface ListingSummary {
  id: number;
  title: string;
  price_fen: number;
  status: Listing['status'];
  thumb_url: string | null;
}

/** The server's SearchIn (every filter; lists are comma-separated strings, like the search URL). */
export interface SavedQuery {
  q: string;
  make: string;
  model: string;
  energy_type: string;
  body_type: string;
  transmission: string;
  emission_standard: string;
  province: string;
  city: string;
  price_band: string;
  year_min: number | null;
  year_max: number | null;
  price_min_fen: number | null;
  price_max_fen: number | null;
  mileage_min_km: number | null;
  mileage_max_km: number | null;
  transfers_max: number | null;
  no_accident: boolean;
}

export interface SavedSearch {
  id: number;
  name: string;
  query: SavedQuery;
  paused: boolean;
}

export interface SearchAlert {
  id: number;
  saved_search_id: number;
  listing_id: number;
  listing: ListingSummary | null;
  /** The price that raised the alert (listing.price_fen is today's). */
  price_fen: number;
  read: boolean;
  read_at: string | null;
  created_at: string;
}

export interface AlertPage extends Page<SearchAlert> {
  /** Unread alerts in all pages. */
  unread: number;
}

export const saveSearch = (name: string, query: Partial<SavedQuery>) =>
  api.post<SavedSearch>('/api/me/saved-searches', { name, query });
export const listSavedSearches = () =>
  api.get<{ items: SavedSearch[] }>('/api/me/saved-searches').then((r) => r.items);
export const pauseSavedSearch = (id: number, paused: boolean) =>
  api.patch<SavedSearch>(`/api/me/saved-searches/${id}`, { paused });
export const deleteSavedSearch = (id: number) => api.delete(`/api/me/saved-searches/${id}`);
export const listAlerts = (cursor: string | null, signal?: AbortSignal) =>
  api.get<AlertPage>('/api/me/alerts', { query: { cursor }, signal });
/** Marks the given alerts read (all of them without ids). */
export const markAlertsRead = (ids?: number[]) =>
  api.post<{ marked: number; unread: number }>('/api/me/alerts/read', ids ? { ids } : {});

export type OfferStatus = 'open' | 'countered' | 'accepted' | 'declined' | 'expired' | 'withdrawn';
export type OfferAction = 'accept' | 'decline' | 'counter' | 'accept_counter' | 'withdraw';

export interface Offer {
  id: number;
  listing_id: number;
  listing: ListingSummary | null;
  buyer_user_id: number;
  /** The buyer's display name or masked mobile/email: a dealer never gets a buyer's contact details. */
  buyer_label: string;
  amount_fen: number;
  counter_fen: number | null;
  status: OfferStatus;
  message: string;
  expires_at: string;
  created_at: string;
}

export const myOffers = () => api.get<{ items: Offer[] }>('/api/me/offers').then((r) => r.items);
export const listingOffers = (id: number) =>
  api.get<{ items: Offer[] }>(`/api/listings/${id}/offers`).then((r) => r.items);
export const dealerOffers = (orgId: number, cursor: string | null, status: OfferStatus | '', signal?: AbortSignal) =>
  api.getPage<Offer>(`/api/dealers/${orgId}/offers`, cursor, { status }, signal);
export const decideOffer = (id: number, action: OfferAction, counter_fen?: number) =>
  api.post<Offer>(`/api/offers/${id}/decision`, counter_fen === undefined ? { action } : { action, counter_fen });

export type Grade = 'A' | 'B' | 'C' | 'D' | 'E';
export interface ConditionItemInput {
  item: string;
  grade: Grade;
  note: string;
  photo_id: number | null;
}

export const setCondition = (id: number, items: ConditionItemInput[]) =>
  api.put<Listing>(`/api/listings/${id}/condition`, { items });
