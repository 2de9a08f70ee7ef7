import { describe, expect, it } from "vitest";
import { canRefundPurchase, refundCreditsByRefund } from "./refund-credits";

describe("refundCreditsByRefund", () => {
  it.each([
    { name: "full refund", credits: 1000, amount: 2000, refunds: [2000], want: [1000] },
    { name: "half", credits: 1000, amount: 2000, refunds: [1000], want: [500] },
    { name: "rounded up in Refill's favour", credits: 1000, amount: 2000, refunds: [1], want: [1] },
    { name: "a third of 100 credits", credits: 100, amount: 300, refunds: [100], want: [34] },
    { name: "three thirds: exactly the purchase, never more", credits: 100, amount: 300, refunds: [100, 100, 100], want: [34, 33, 33] },
    { name: "1-cent refunds", credits: 3, amount: 1000, refunds: [1, 1, 998], want: [1, 0, 2] },
  ])("$name", ({ credits, amount, refunds, want }) => {
    const out = refundCreditsByRefund(
      credits,
      amount,
      refunds.map((a, i) => ({ id: `re_${i}`, amount: a, created: 100 + i })),
    );
    expect(out.map((o) => o.credits)).toEqual(want);
    expect(out.reduce((n, o) => n + o.credits, 0)).toBeLessThanOrEqual(credits);
  });

  it("orders by creation, whatever order Stripe lists them in", () => {
    const out = refundCreditsByRefund(100, 300, [
      { id: "b", amount: 200, created: 2 },
      { id: "a", amount: 100, created: 1 },
    ]);
    expect(out).toEqual([
      { id: "a", credits: 34 },
      { id: "b", credits: 66 },
    ]);
  });

  it("refunds created in the same second keep the given (oldest-first) order, not their ids' order: never 36 + 65 of 100", () => {
    const out = refundCreditsByRefund(100, 2800, [
      { id: "re_z_first", amount: 1000, created: 5 },
      { id: "re_a_second", amount: 1800, created: 5 },
    ]);
    expect(out).toEqual([
      { id: "re_z_first", credits: 36 },
      { id: "re_a_second", credits: 64 },
    ]);
  });
});

describe("canRefundPurchase", () => {
  it.each([
    { credits: 1000, topupCredits: 1000, alreadyRefunded: false, want: { ok: true } },
    { credits: 1000, topupCredits: 5000, alreadyRefunded: false, want: { ok: true } },
    { credits: 1000, topupCredits: 999, alreadyRefunded: false, want: { ok: false, reason: "spent" } },
    { credits: 1000, topupCredits: -10, alreadyRefunded: false, want: { ok: false, reason: "spent" } },
    { credits: 1000, topupCredits: 1000, alreadyRefunded: true, want: { ok: false, reason: "refunded" } },
  ])("$credits credits, top-up pool $topupCredits, refunded $alreadyRefunded", ({ want, ...p }) => expect(canRefundPurchase(p)).toEqual(want));
});
