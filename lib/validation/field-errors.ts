/**
 * The one zod → field-errors mapper, for server actions (`ActionResult.fieldErrors`) and the REST API's
 * 422 `error.fields`. Keys are dotted paths (`events.3.quantity`); an issue about the whole input (no
 * path) is keyed `body`. Pure.
 */

/** `{ "path.to.field": [messages] }`, each message once, in the order zod reported them. */
export type FieldErrors = Record<string, string[]>;

/** The key of an issue about the input as a whole (not one field). */
const ROOT_FIELD = "body";

/** zod's error (or any `{ issues }`) → `FieldErrors`. */
export function fieldErrorsOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const messages = (out[issue.path.map(String).join(".") || ROOT_FIELD] ??= []);
    if (!messages.includes(issue.message)) messages.push(issue.message);
  }
  return out;
}

/** `FieldErrors` as the API's `error.fields`: one string per field (its messages joined by a space). */
export function fieldMessages(errors: FieldErrors): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) out[k] = v.join(" ");
  return out;
}

/** A field's first message (what a form shows next to the field), or undefined. */
export function firstError(messages: readonly string[] | undefined): string | undefined {
  return messages?.[0];
}
