import { api } from '../../../lib/api-client';
import type { ApiToken, CreatedApiToken } from '../../../types/api';

export const listTokens = (cursor: string | null, signal?: AbortSignal) =>
  api.getPage<ApiToken>('/api/tokens', cursor, undefined, signal);

/** 201; the secret `token` is only ever returned here. */
export const createToken = (input: { name: string; scopes: string[] }) => api.post<CreatedApiToken>('/api/tokens', input);

export const revokeToken = (id: number) => api.delete<void>(`/api/tokens/${id}`);
