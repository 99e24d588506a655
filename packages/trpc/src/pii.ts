/**
 * Viewers (and embed tokens) see customers' contact data masked, everywhere the API answers:
 * tRPC, REST, widgets. Names stay readable (our customers are clinics, and a list of masked
 * names is useless); emails, phones, street address lines and postal codes do not.
 */
import type { Principal } from './context.ts';

export function seesPii(principal: Principal): boolean {
  return principal.role !== 'viewer' && !(principal.type === 'token' && principal.kind === 'embed');
}

/** `jane.doe@example.com` → `j***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** Keeps the last two digits, so staff can still tell two numbers apart. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `***${digits.slice(-2)}`;
}

const EMAIL_IN_TEXT = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[A-Za-z]{2,}/g;

/** Masks the emails quoted in free text (activity descriptions). */
export function maskEmailsInText(text: string): string {
  return text.replace(EMAIL_IN_TEXT, maskEmail);
}

export interface Masker {
  email(value: string | null): string | null;
  phone(value: string | null): string | null;
  /** Street lines and postal codes. */
  address(value: string | null): string | null;
  text(value: string | null): string | null;
}

const identity = <T>(value: T) => value;

export function maskerFor(principal: Principal): Masker {
  if (seesPii(principal)) return { email: identity, phone: identity, address: identity, text: identity };
  return {
    email: (v) => (v ? maskEmail(v) : v),
    phone: (v) => (v ? maskPhone(v) : v),
    address: (v) => (v ? '***' : v),
    text: (v) => (v ? maskEmailsInText(v) : v),
  };
}
