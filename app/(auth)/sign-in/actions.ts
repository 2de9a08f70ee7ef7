"use server";

import { AuthError } from "next-auth";
import { signIn, signInSchema } from "@/lib/auth/auth";
import { headers } from "next/headers";
import { safeCallbackPath } from "@/lib/auth/safe-callback";
import { clientIp, throttledMessage } from "@/lib/auth/sign-in-throttle";
import { signInThrottle } from "@/lib/auth/throttles";
import { env } from "@/lib/env";
import { fieldErrorsOf, firstError } from "@/lib/validation/field-errors";

export interface SignInState {
  error?: string;
  fieldErrors?: { email?: string; password?: string };
}

export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const parsed = signInSchema.safeParse({ email: formData.get("email"), password: formData.get("password") });
  if (!parsed.success) {
    const f = fieldErrorsOf(parsed.error);
    return { fieldErrors: { email: firstError(f.email), password: firstError(f.password) } };
  }
  const ip = clientIp(await headers());
  const before = await signInThrottle().check(parsed.data.email, ip);
  if (!before.ok) return { error: throttledMessage(before.retryAfterSeconds) };
  try {
    await signIn("credentials", { ...parsed.data, redirectTo: safeCallbackPath(formData.get("callbackUrl"), env().APP_URL) });
  } catch (err) {
    if (!(err instanceof AuthError)) throw err; // the redirect after a successful sign-in is thrown too
    const after = await signInThrottle().check(parsed.data.email, ip);
    return { error: after.ok ? "Invalid email or password." : throttledMessage(after.retryAfterSeconds) };
  }
  return {};
}
