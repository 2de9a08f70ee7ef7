import type Stripe from "stripe";
import type { Db } from "@/db/client";

/** A handler's readable result; `ignored` marks events we deliberately did nothing with (logged). */
interface HandlerResult {
  result: string;
  ignored?: boolean;
}

export type WebhookHandler = (db: Db, event: Stripe.Event) => Promise<HandlerResult>;
