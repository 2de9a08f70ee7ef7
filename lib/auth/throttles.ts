import "server-only";
import { getDbHandle } from "@/db/client";
import { env } from "@/lib/env";
import { createSignInThrottle, type SignInThrottle } from "./sign-in-throttle";

let signIn: SignInThrottle | undefined;

/** The process's sign-in throttle on the app's pool, with the limits from lib/env (SIGN_IN_*). */
export function signInThrottle(): SignInThrottle {
  const e = env();
  signIn ??= createSignInThrottle(getDbHandle().sql, {
    perAccount: e.SIGN_IN_MAX_FAILURES_PER_ACCOUNT,
    perIp: e.SIGN_IN_MAX_FAILURES_PER_IP,
    windowSeconds: e.SIGN_IN_THROTTLE_WINDOW_SECONDS,
  });
  return signIn;
}
