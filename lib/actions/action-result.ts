/**
 * What every server action returns: `{ ok: true, … }` or a typed refusal the client can show —
 * `code` (e.g. `forbidden`, `invalid_input`), a message a person can act on, and per-field errors.
 */
export type ActionResult<T = object> =
  | ({ ok: true; message?: string } & T)
  | { ok: false; code: string; message: string; fieldErrors?: Record<string, string[] | string | undefined> };
