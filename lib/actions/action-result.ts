import type { FieldErrors } from "@/lib/validation/field-errors";

/**
 * What every server action returns: `{ ok: true, … }` or a typed refusal the client can show —
 * `code` (e.g. `forbidden`, `validation_error`), a message a person can act on, and per-field errors
 * (`{ "dotted.path": [messages] }`, lib/validation/field-errors).
 */
export type ActionResult<T = object> =
  | ({ ok: true; message?: string } & T)
  | {
      ok: false;
      code: string;
      message: string;
      fieldErrors?: FieldErrors;
      /** `consent_required` / `consent_mismatch`: the authorization text for the settings as they are now */
      consentText?: string;
    };
