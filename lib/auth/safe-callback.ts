/**
 * The return address after sign-in: a same-origin path, or "/" for anything else.
 *
 * `raw` (a form field or query value, any type) is accepted only when it starts with a single "/",
 * contains no backslash, control character or whitespace (browsers strip tabs and newlines and read "\"
 * as "/", so `/\evil.example` and `/<TAB>/evil.example` are really `//evil.example`), is at most 2,000
 * characters, and `new URL(raw, appUrl)` keeps `appUrl`'s origin. The answer is the normalized
 * path + query + hash of that URL, never an absolute or protocol-relative URL. Pure; never throws.
 */
export function safeCallbackPath(raw: unknown, appUrl: string): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2000) return "/";
  if (!raw.startsWith("/") || raw.startsWith("//")) return "/";
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point of this check
  if (/[\\\s\u0000-\u001f\u007f]/u.test(raw)) return "/";
  let base: URL;
  let url: URL;
  try {
    base = new URL(appUrl);
    url = new URL(raw, base);
  } catch {
    return "/";
  }
  if (url.origin !== base.origin || url.username || url.password) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  // dot segments can collapse into a protocol-relative path: "/.//evil.example" → "//evil.example"
  return path.startsWith("//") ? "/" : path;
}
