/**
 * Refunds and disputes take credits back (pure). A refund of part of a charge takes back the same share of
 * the credits it bought, rounded UP (in Refill's favour: a refund never leaves a fraction of a credit that
 * was not paid for). Several partial refunds of one charge are computed cumulatively — after refunds of r₁…rₖ
 * cents, ceil(credits × (r₁+…+rₖ) / amount) credits are back in total — so rounding never takes back more
 * than the purchase: the whole amount refunded is exactly the credits bought.
 */

export interface ChargeRefund {
  /** the ledger key's id: our refund request's id when the refund carries it, else Stripe's re_… */
  id: string;
  /** cents */
  amount: number;
  /** Unix seconds (the order of the refunds) */
  created: number;
}

/**
 * Credits to take back for each refund of a charge of `amountCents` that bought `credits`. `refunds` must be
 * given OLDEST FIRST (Stripe lists newest first: reverse its list): refunds created in the same second keep
 * that order, so a refund's share never changes once it has been taken back (sorting ties by id would let a
 * later refund sort first and take the rounding twice: 36 + 65 of 100).
 */
export function refundCreditsByRefund(credits: number, amountCents: number, refunds: readonly ChargeRefund[]): { id: string; credits: number }[] {
  const ordered = [...refunds].sort((a, b) => a.created - b.created); // stable: ties keep the given order
  let refundedCents = 0;
  let takenBack = 0;
  return ordered.map((r) => {
    refundedCents = Math.min(amountCents, refundedCents + r.amount);
    const total = Math.min(credits, Math.ceil((credits * refundedCents) / amountCents));
    const now = total - takenBack;
    takenBack = total;
    return { id: r.id, credits: now };
  });
}

/**
 * Whether an owner may refund a purchase: only while its credits are unused — the top-up pool still holds at
 * least the purchase's credits (plan credits are not bought, so they do not count) and nothing else is owed.
 */
export function canRefundPurchase(p: {
  credits: number;
  topupCredits: number;
  alreadyRefunded: boolean;
}): { ok: true } | { ok: false; reason: "refunded" | "spent" } {
  if (p.alreadyRefunded) return { ok: false, reason: "refunded" };
  if (p.topupCredits < p.credits) return { ok: false, reason: "spent" };
  return { ok: true };
}
