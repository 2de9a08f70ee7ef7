import "server-only";
import { currentUserId } from "@/lib/auth/session";
import { actionShell } from "./define-action";

/**
 * `ownerAction(schema, fn, { denied })` / `memberAction(schema, fn)`: the server-action shell (./define-action)
 * on the request's session (a revoked session is signed out).
 */
export const { ownerAction, memberAction } = actionShell(currentUserId);
