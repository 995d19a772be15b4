import { api } from '../../../lib/api-client';
import type { Me } from '../../../types/api';

export interface RegisterInput {
  email?: string;
  mobile?: string;
  password: string;
  display_name: string;
}

export interface LoginInput {
  /** Email or mobile number. */
  login: string;
  password: string;
}

export interface ChangePasswordInput {
  current_password: string;
  new_password: string;
}

/** Creates the account and signs in (201 → Me). */
export const register = (input: RegisterInput) => api.post<Me>('/api/auth/register', input);

export const login = (input: LoginInput) => api.post<Me>('/api/auth/login', input);

export const logout = () => api.post<void>('/api/auth/logout');

/** 204; every other session of the user is revoked. */
export const changePassword = (input: ChangePasswordInput) => api.post<void>('/api/auth/password', input);
