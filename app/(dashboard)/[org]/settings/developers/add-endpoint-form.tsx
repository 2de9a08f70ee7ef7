"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { EVENT_TYPES } from "@/lib/billing/event-types";
import { createEndpointSchema, type CreateEndpointInput } from "@/lib/webhooks-out/endpoint-schema";
import { createEndpointAction } from "./actions/create-endpoint";
import { SecretOnce } from "./secret-once";

/** Owner: add an endpoint (URL + all events or chosen ones); the signing secret is shown once. Editor: every control disabled, with the reason. */
export function AddEndpointForm({ orgSlug, disabledReason }: { orgSlug: string; disabledReason?: string }) {
  const disabled = !!disabledReason;
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const form = useForm<CreateEndpointInput>({ resolver: zodResolver(createEndpointSchema), defaultValues: { url: "", events: ["*"] } });
  const { errors, isSubmitting } = form.formState;
  const events = form.watch("events");
  const all = events.includes("*");
  const setEvents = (next: string[]) => form.setValue("events", next as CreateEndpointInput["events"], { shouldValidate: form.formState.isSubmitted });

  async function onSubmit(values: CreateEndpointInput) {
    const res = await createEndpointAction(orgSlug, values);
    if (!res.ok) {
      const urlError = res.fieldErrors?.url?.[0];
      if (urlError) form.setError("url", { message: urlError });
      toast.error(res.message);
      return;
    }
    setCreated({ url: res.endpoint.url, secret: res.endpoint.secret });
    form.reset({ url: "", events: ["*"] });
    toast.success("Webhook endpoint added.");
  }

  return (
    <div className="space-y-4">
      {created ? <SecretOnce label={`Signing secret of ${created.url}`} secret={created.secret} /> : null}
      <form onSubmit={form.handleSubmit(onSubmit)} noValidate aria-describedby={disabled ? "endpoint-disabled-reason" : undefined}>
        {disabled ? (
          <p id="endpoint-disabled-reason" className="mb-4 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">
            {disabledReason}
          </p>
        ) : null}
        <fieldset disabled={disabled} className="space-y-4">
          <div>
            <label htmlFor="endpoint-url" className="text-sm font-medium text-slate-800">
              Endpoint URL
            </label>
            <input
              id="endpoint-url"
              {...form.register("url")}
              type="url"
              inputMode="url"
              placeholder="https://example.com/webhooks/refill"
              aria-invalid={!!errors.url}
              aria-describedby={errors.url ? "endpoint-url-error" : "endpoint-url-help"}
              className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm disabled:bg-slate-50 disabled:text-slate-500"
            />
            {errors.url ? (
              <p id="endpoint-url-error" className="mt-1 text-sm text-red-700">
                {errors.url.message}
              </p>
            ) : (
              <p id="endpoint-url-help" className="mt-1 text-sm text-slate-600">
                HTTPS, on a public address. Refill POSTs each event as JSON and expects a 2xx within 15 s.
              </p>
            )}
          </div>
          <fieldset>
            <legend className="text-sm font-medium text-slate-800">Events</legend>
            <label className="mt-1 flex items-center gap-2 text-sm">
              <input type="checkbox" checked={all} onChange={(e) => setEvents(e.target.checked ? ["*"] : [])} />
              <span>All events</span>
            </label>
            <div className="mt-2 grid gap-1 sm:grid-cols-2 lg:grid-cols-3">
              {EVENT_TYPES.map((t) => (
                <label key={t} className={`flex items-center gap-2 text-sm ${all ? "text-slate-400" : ""}`}>
                  <input
                    type="checkbox"
                    name="events"
                    value={t}
                    disabled={all}
                    checked={all || events.includes(t)}
                    onChange={(e) => setEvents(e.target.checked ? [...events, t] : events.filter((x) => x !== t))}
                  />
                  <code className="font-mono text-[13px]">{t}</code>
                </label>
              ))}
            </div>
            {errors.events ? <p className="mt-1 text-sm text-red-700">{errors.events.message ?? errors.events.root?.message}</p> : null}
          </fieldset>
          <Button type="submit" disabled={disabled || isSubmitting}>
            {isSubmitting ? "Adding…" : "Add endpoint"}
          </Button>
        </fieldset>
      </form>
    </div>
  );
}
