/**
 * Text Postgres can store: no NUL (U+0000, which `text` refuses) and well-formed UTF-16 (a lone
 * surrogate cannot be encoded as UTF-8, so Postgres refuses it too). The schemas check it at the edge
 * (zod refine → 422) so a bad string fails only its own request, never a shared statement or batch.
 * Pure: safe in client bundles (the forms' resolvers use the same schemas).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `s` has no NUL and no unpaired surrogate. */
export function isStorableText(s: string): boolean {
  return !s.includes("\u0000") && !LONE_SURROGATE.test(s);
}

/** True when `s` is storable and has no C0/C1 control character (names and labels people type). */
export function isPlainText(s: string): boolean {
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point of this check
  return isStorableText(s) && !/[\u0000-\u001f\u007f-\u009f]/.test(s);
}
