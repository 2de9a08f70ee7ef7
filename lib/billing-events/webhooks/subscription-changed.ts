import { idOf } from "@/lib/stripe/events";
import { syncCustomer } from "../sync-customer";
import type { WebhookHandler } from "./types";

/** Subscription created/updated/deleted, customer updated, payment method attached: converge by syncing. */
export const handleCustomerStateChanged: WebhookHandler = async (db, event) => {
  const obj = event.data.object as { object: string; id: string; customer?: string | { id: string } | null };
  const customerId = obj.object === "customer" ? obj.id : idOf(obj.customer);
  if (!customerId) return { result: "ignored: no customer on object", ignored: true };
  const r = await syncCustomer(db, customerId);
  if (!r.ok) return { result: `ignored: ${r.reason} ${customerId}`, ignored: true };
  return { result: `synced: plan ${r.plan}${r.previousPlan !== r.plan ? ` (was ${r.previousPlan})` : ""}, card ${r.card ? r.card.last4 : "none"}` };
};
