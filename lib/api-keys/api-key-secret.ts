import { createHash, randomInt } from "node:crypto";

export const API_KEY_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const API_KEY_BODY_LENGTH = 40;

/**
 * Key format: `rfk_` + 40 base62 chars, each drawn uniformly with `crypto.randomInt(62)` (a byte `% 62` would
 * favour the first 8 characters: 256 = 4·62 + 8). `prefix` (first 12 chars) is shown in the UI; only the hash is stored.
 */
export function generateApiKeySecret(): { secret: string; prefix: string; hash: string } {
  let body = "";
  for (let i = 0; i < API_KEY_BODY_LENGTH; i++) body += API_KEY_ALPHABET[randomInt(API_KEY_ALPHABET.length)];
  const secret = `rfk_${body}`;
  return { secret, prefix: secret.slice(0, 12), hash: hashApiKey(secret) };
}

/** SHA-256 hex: keys are 238 bits of randomness, so a fast hash is safe and lookups stay O(1). */
export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
