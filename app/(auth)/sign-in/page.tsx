import type { Metadata } from "next";
import { safeCallbackPath } from "@/lib/auth/safe-callback";
import { env } from "@/lib/env";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  const { callbackUrl } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <p className="mb-6 text-center text-2xl font-semibold tracking-tight text-slate-900">
          <span aria-hidden className="mr-1 text-brand-600">
            ◆
          </span>
          Refill
        </p>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="mb-1 text-lg font-semibold">Sign in</h1>
          <p className="mb-5 text-sm text-slate-600">Manage credits, auto-recharge and API keys.</p>
          <SignInForm callbackUrl={safeCallbackPath(callbackUrl, env().APP_URL)} />
        </div>
      </div>
    </main>
  );
}
