import { api, type QueryValue } from '../../../lib/api-client';

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
  errors: { line: number; column: string; reason: string }[];
}

export type ListingInput = Record<string, unknown>;

export const searchListings = (query: Record<string, QueryValue>, signal?: AbortSignal) =>
  api.get<SearchResult>('/api/listings/search', { query, signal });
export const getListing = (id: number) => api.get<Listing>(`/api/listings/${id}`);
export const createListing = (body: ListingInput) => api.post<Listing>('/api/listings', body);
export const updateListing = (id: number, body: ListingInput) => api.patch<Listing>(`/api/listings/${id}`, body);
export const transition = (id: number, action: 'publish' | 'withdraw' | 'reserve' | 'release') =>
  api.post<Listing>(`/api/listings/${id}/${action}`);
export const inventory = (orgId: number, cursor?: string | null, status?: string) =>
  api.getPage<Listing>(`/api/dealers/${orgId}/inventory`, cursor, { status });
export const watch = (id: number, on: boolean) =>
  on ? api.put<void>(`/api/listings/${id}/watch`) : api.delete(`/api/listings/${id}/watch`);
export const makeOffer = (id: number, amount_fen: number, message: string) =>
  api.post<{ id: number; status: string }>(`/api/listings/${id}/offers`, { amount_fen, message });

/** Raw-body uploads (photos, spreadsheets) go through fetch with the CSRF token the JSON client keeps. */
async function upload<T>(path: string, file: Blob, contentType: string): Promise<T> {
  const token = document.cookie.match(/(?:^|; )mp_csrf=([^;]*)/)?.[1] ?? (await api.get<{ csrf_token: string }>('/api/auth/csrf')).csrf_token;
  const res = await fetch(path, {
    method: 'POST',
    body: file,
    credentials: 'same-origin',
    headers: { 'Content-Type': contentType, 'X-CSRF-Token': decodeURIComponent(token), Accept: 'application/json' },
  });
  const data = (await res.json().catch(() => null)) as T | { error?: { message?: string } } | null;
  if (!res.ok) {
    const message = (data as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}`;
    throw new Error(message);
  }
  return data as T;
}

export const uploadPhoto = (id: number, file: Blob) => upload<Photo>(`/api/listings/${id}/photos`, file, file.type);
export const importInventory = (orgId: number, file: File, goodRowsOnly: boolean) => {
  const format = file.name.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv';
  return upload<ImportReport>(
    `/api/dealers/${orgId}/inventory/import?format=${format}&good_rows_only=${goodRowsOnly}`,
    file,
    format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
  );
};
