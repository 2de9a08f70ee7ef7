import type { z } from "zod";
import { getDb } from "@/db/client";
import { authorizeMember, type MemberContext } from "@/lib/auth/membership";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
import type { ActionResult } from "./action-result";

/**
 * The server-action shell: session → membership and role read from the database on this call → zod
 * parse of the input → the domain function → a typed `ActionResult`. Nothing (no DB write, no Stripe
 * call) runs before the member and the input are accepted. Refusals: `unauthenticated` (signed out or
 * revoked session), `not_found` (not a member), `forbidden` with `denied` (owner actions, editors),
 * and `invalid` (default `validation_error`, "Please correct the highlighted fields.") with `fieldErrors`.
 *
 *   const save = ownerAction(schema, async ({ ctx, input, orgSlug }) => …, { denied: OWNER_ONLY_… });
 *   export async function saveAction(orgSlug: string, input: unknown) { return save(orgSlug, input); }
 *
 * (A "use server" file exports async functions only, hence the one-line export around the shell.)
 * This module is the shell on any way of knowing the user (`actionShell(currentUserId)`); ./action-shell
 * binds it to the session cookie (lib/auth/session).
 */

/** The input's schema; one built from the member (e.g. from the org's plan); or null for an action without input. */
type InputSchema<S extends z.ZodType> = S | ((ctx: MemberContext) => S) | null;
type Input<S> = [S] extends [never] ? undefined : S extends z.ZodType ? z.output<S> : undefined;

interface ActionCall<I> {
  ctx: MemberContext;
  input: I;
  orgSlug: string;
}

interface ActionOptions {
  /** owner actions: the refusal an editor reads */
  denied?: string;
  /** the refusal for an input the schema rejects */
  invalid?: { code: string; message: string };
}

const INVALID = { code: "validation_error", message: "Please correct the highlighted fields." };

/** The shell on `currentUserId` (the signed-in user's id, null when signed out or revoked). */
export function actionShell(currentUserId: () => Promise<string | null>) {
  function action<S extends z.ZodType, R extends object>(
    owner: boolean,
    schema: InputSchema<S>,
    fn: (call: ActionCall<Input<S>>) => Promise<ActionResult<R>>,
    opts: ActionOptions,
  ): (orgSlug: string, input?: unknown) => Promise<ActionResult<R>> {
    return async (orgSlug, raw) => {
      const authz = await authorizeMember(getDb(), await currentUserId(), orgSlug, { owner, message: opts.denied });
      if (!authz.ok) return authz;
      let input = undefined as Input<S>;
      if (schema) {
        const parsed = (typeof schema === "function" ? schema(authz.ctx) : schema).safeParse(raw);
        if (!parsed.success) return { ok: false, ...(opts.invalid ?? INVALID), fieldErrors: fieldErrorsOf(parsed.error) };
        input = parsed.data as Input<S>;
      }
      return fn({ ctx: authz.ctx, input, orgSlug });
    };
  }

  return {
    /** An action only the org's owner may run (role from the DB). */
    ownerAction<S extends z.ZodType = never, R extends object = object>(
      schema: InputSchema<S>,
      fn: (call: ActionCall<Input<S>>) => Promise<ActionResult<R>>,
      opts: ActionOptions = {},
    ) {
      return action(true, schema, fn, opts);
    },
    /** An action any member of the org may run. */
    memberAction<S extends z.ZodType = never, R extends object = object>(
      schema: InputSchema<S>,
      fn: (call: ActionCall<Input<S>>) => Promise<ActionResult<R>>,
      opts: ActionOptions = {},
    ) {
      return action(false, schema, fn, opts);
    },
  };
}
