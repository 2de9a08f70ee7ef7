import { createHash, randomBytes } from "node:crypto";

/** Key format: `rfk_` + 40 base62 chars. `prefix` (first 12 chars) is shown in the UI; only the hash is stored. */
export function generateApiKeySecret(): { secret: string; prefix: string; hash: string } {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const bytes = randomBytes(40);
  let body = "";
  for (const b of bytes) body += alphabet[b % 62];
  const secret = `rfk_${body}`;
  return { secret, prefix: secret.slice(0, 12), hash: hashApiKey(secret) };
}

/** SHA-256 hex: keys are 238 bits of randomness, so a fast hash is safe and lookups stay O(1). */
export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
