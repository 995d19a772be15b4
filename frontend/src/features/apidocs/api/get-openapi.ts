import { api } from '../../../lib/api-client';
import type { OpenApiDocument } from '../utils/openapi';

export const getOpenApi = (signal?: AbortSignal) => api.get<OpenApiDocument>('/openapi.json', { signal });
