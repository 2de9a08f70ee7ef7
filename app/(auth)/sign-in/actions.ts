"use server";

import { AuthError } from "next-auth";
import { signIn, signInSchema } from "@/lib/auth/auth";
import { safeCallbackPath } from "@/lib/auth/safe-callback";
import { env } from "@/lib/env";

export interface SignInState {
  error?: string;
  fieldErrors?: { email?: string; password?: string };
}

export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const parsed = signInSchema.safeParse({ email: formData.get("email"), password: formData.get("password") });
  if (!parsed.success) {
    const f = parsed.error.flatten().fieldErrors;
    return { fieldErrors: { email: f.email?.[0], password: f.password?.[0] } };
  }
  try {
    await signIn("credentials", { ...parsed.data, redirectTo: safeCallbackPath(formData.get("callbackUrl"), env().APP_URL) });
  } catch (err) {
    if (err instanceof AuthError) return { error: "Invalid email or password." };
    throw err; // the redirect after a successful sign-in is thrown too
  }
  return {};
}
