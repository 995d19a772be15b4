import { api } from '../../../lib/api-client';
import type { Me, Sent } from '../../../types/api';

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
  /** A login code from mail: skips the wait that failed attempts caused. */
  code?: string;
}

export interface ChangePasswordInput {
  current_password: string;
  new_password: string;
}

/** 202: a confirmation link goes to the address (or, if it is taken, a notice to its owner). */
export const register = (input: RegisterInput) => api.post<Sent>('/api/auth/register', input);

/** Opens the registration link: creates the account and signs in (201 → Me). */
export const confirmRegistration = (token: string) => api.post<Me>('/api/auth/register/confirm', { token });

export const login = (input: LoginInput) => api.post<Me>('/api/auth/login', input);

export const sendLoginCode = (login: string) => api.post<Sent>('/api/auth/login/code', { login });

export const forgotPassword = (login: string) => api.post<Sent>('/api/auth/password/forgot', { login });

/** 204; every session and API token of the account ends. */
export const resetPassword = (token: string, new_password: string) =>
  api.post<void>('/api/auth/password/reset', { token, new_password });

export const logout = () => api.post<void>('/api/auth/logout');

/** 204; every other session and every API token of the user is revoked. */
export const changePassword = (input: ChangePasswordInput) => api.post<void>('/api/auth/password', input);
