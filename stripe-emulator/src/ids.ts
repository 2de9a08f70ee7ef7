import { createHmac, randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[bytes[i]! % 62];
  return out;
}

/** A Stripe-looking object id, e.g. `pi_3RWO3wQ8iJWBZFaM1DwAq25i`. */
export function newId(prefix: string, length = 24): string {
  return `${prefix}_${randomToken(length)}`;
}

export function newClientSecret(id: string): string {
  return `${id}_secret_${randomToken(25)}`;
}

/** Stable per card number, like Stripe's card fingerprint. */
export function cardFingerprint(number: string): string {
  const digest = createHmac('sha256', 'stripe-emulator-fingerprint').update(number).digest();
  let out = '';
  for (let i = 0; i < 16; i++) out += BASE62[digest[i]! % 62];
  return out;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
