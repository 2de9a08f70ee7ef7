import { getStripe } from "./client";

/** One saved card of a customer, as the backup-card chooser shows it. */
export interface SavedCard {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/**
 * The customer's saved cards (added through the hosted Customer Portal or a Checkout card setup), newest
 * first, from Stripe (`GET /v1/customers/{id}/payment_methods?type=card`).
 */
export async function listSavedCards(customerId: string): Promise<SavedCard[]> {
  const list = await getStripe().customers.listPaymentMethods(customerId, { type: "card", limit: 100 });
  return list.data
    .filter((pm) => pm.card)
    .map((pm) => ({ id: pm.id, brand: pm.card!.brand, last4: pm.card!.last4, expMonth: pm.card!.exp_month, expYear: pm.card!.exp_year }));
}
