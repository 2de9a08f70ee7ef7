import type Stripe from "stripe";
import type { Db } from "@/db/client";

/** A handler's readable result; `ignored` marks events we deliberately did nothing with (logged). */
export interface HandlerResult {
  result: string;
  ignored?: boolean;
}

export type WebhookHandler = (db: Db, event: Stripe.Event) => Promise<HandlerResult>;

export function customerIdOf(x: string | { id: string } | null | undefined): string | null {
  return typeof x === "string" ? x : (x?.id ?? null);
}
