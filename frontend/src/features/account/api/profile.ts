import { api } from '../../../lib/api-client';
import type { Me, Sent } from '../../../types/api';

export const rename = (display_name: string) => api.patch<Me>('/api/me', { display_name });

export interface ContactChangeInput {
  field: 'email' | 'mobile';
  value: string;
  /** The current password: changing where the account's mail goes needs it. */
  password: string;
}

/** 202: a link goes to the new address; the same answer if somebody else holds it. */
export const requestContactChange = (input: ContactChangeInput) => api.post<Sent>('/api/me/contact', input);

export const confirmContactChange = (token: string) => api.post<void>('/api/me/contact/confirm', { token });
