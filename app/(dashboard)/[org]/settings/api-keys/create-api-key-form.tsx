"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { API_KEY_SCOPES } from "@/db/schema/api-keys";
import { createApiKeySchema, type CreateApiKeyInput } from "@/lib/api-keys/api-key-schema";
import { createApiKeyAction } from "./actions/create-api-key";

const scopeHelp: Record<string, string> = {
  "usage:write": "Report usage (POST /api/v1/usage) and read the balance",
  "billing:read": "Read balance, auto-recharge settings and history",
  "billing:write": "Change auto-recharge settings and the spending limit",
};

export function CreateApiKeyForm({ orgSlug }: { orgSlug: string }) {
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const form = useForm<CreateApiKeyInput>({ resolver: zodResolver(createApiKeySchema), defaultValues: { name: "", scopes: ["usage:write"] } });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: CreateApiKeyInput) {
    const res = await createApiKeyAction(orgSlug, values);
    if (!res.ok) {
      const nameError = res.fieldErrors?.name;
      if (nameError) form.setError("name", { message: Array.isArray(nameError) ? nameError[0] : nameError });
      toast.error(res.message);
      return;
    }
    setCreated({ name: res.key.name, secret: res.key.secret });
    form.reset({ name: "", scopes: ["usage:write"] });
    toast.success("API key created.");
  }

  return (
    <div className="space-y-4">
      {created ? (
        <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 p-4">
          <p className="text-sm font-medium text-emerald-900">Copy your new key “{created.name}” now — it will not be shown again.</p>
          <code data-testid="new-api-key" className="mt-2 block break-all rounded bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-emerald-200">
            {created.secret}
          </code>
        </div>
      ) : null}
      <form onSubmit={form.handleSubmit(onSubmit)} className="grid gap-4 sm:grid-cols-[1fr_auto] sm:items-start" noValidate>
        <div className="space-y-3">
          <div>
            <label htmlFor="key-name" className="text-sm font-medium text-slate-800">
              Key name
            </label>
            <input
              id="key-name"
              {...form.register("name")}
              placeholder="Production voice agent"
              aria-invalid={!!errors.name}
              aria-describedby={errors.name ? "key-name-error" : undefined}
              className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
            />
            {errors.name ? (
              <p id="key-name-error" className="mt-1 text-sm text-red-700">
                {errors.name.message}
              </p>
            ) : null}
          </div>
          <fieldset>
            <legend className="text-sm font-medium text-slate-800">Scopes</legend>
            <div className="mt-1 space-y-1">
              {API_KEY_SCOPES.map((s) => (
                <label key={s} className="flex items-start gap-2 text-sm">
                  <input type="checkbox" value={s} {...form.register("scopes")} className="mt-0.5" />
                  <span>
                    <code className="font-mono">{s}</code> <span className="text-slate-600">— {scopeHelp[s]}</span>
                  </span>
                </label>
              ))}
            </div>
            {errors.scopes ? <p className="mt-1 text-sm text-red-700">{errors.scopes.message}</p> : null}
          </fieldset>
        </div>
        <Button type="submit" disabled={isSubmitting} className="sm:mt-6">
          {isSubmitting ? "Creating…" : "Create API key"}
        </Button>
      </form>
    </div>
  );
}
