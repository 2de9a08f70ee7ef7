import { describe, expect, it } from "vitest";
import { planDebits, splitDebit, type AppliedUsage } from "./debit-plan";

const ids = () => {
  let n = 0;
  return () => `u${++n}`;
};

describe("splitDebit", () => {
  it.each([
    { plan: 10, topup: 5, q: 3, want: { fromPlan: 3, fromTopup: 0 } },
    { plan: 10, topup: 5, q: 10, want: { fromPlan: 10, fromTopup: 0 } },
    { plan: 10, topup: 5, q: 12, want: { fromPlan: 10, fromTopup: 2 } },
    { plan: 0, topup: 5, q: 5, want: { fromPlan: 0, fromTopup: 5 } },
    { plan: 10, topup: 5, q: 15, want: { fromPlan: 10, fromTopup: 5 } },
    { plan: 10, topup: 5, q: 16, want: null },
    { plan: 0, topup: 0, q: 1, want: null },
  ])("plan=$plan topup=$topup quantity=$q", ({ plan, topup, q, want }) => {
    expect(splitDebit({ planCredits: plan, topupCredits: topup }, q)).toEqual(want);
  });
});

describe("planDebits", () => {
  it("applies in arrival order, refusing only what the remaining balance cannot cover", () => {
    const plan = planDebits({ planCredits: 2, topupCredits: 3 }, [{ quantity: 4 }, { quantity: 2 }, { quantity: 1 }], new Map(), ids());
    expect(plan.outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(plan.final).toEqual({ planCredits: 0, topupCredits: 0 });
    expect(plan.entries).toEqual([
      { usageId: "u1", pool: "plan", delta: -2, balanceAfter: 0 },
      { usageId: "u1", pool: "topup", delta: -2, balanceAfter: 1 },
      { usageId: "u2", pool: "topup", delta: -1, balanceAfter: 0 },
    ]);
    const refused = plan.outcomes[1];
    expect(refused).toEqual({ ok: false, code: "insufficient_credits", quantity: 2, balance: { planCredits: 0, topupCredits: 1 } });
  });

  it("replays a key applied earlier, and a key repeated inside the batch, without debiting", () => {
    const earlier: AppliedUsage = { id: "old", quantity: 5, idempotencyKey: "k1", planCreditsAfter: 7, topupCreditsAfter: 0 };
    const plan = planDebits(
      { planCredits: 7, topupCredits: 0 },
      [
        { quantity: 5, idempotencyKey: "k1" },
        { quantity: 1, idempotencyKey: "k2" },
        { quantity: 1, idempotencyKey: "k2" },
      ],
      new Map([["k1", earlier]]),
      ids(),
    );
    expect(plan.outcomes).toEqual([
      { ok: true, usage: earlier, replayed: true },
      { ok: true, usage: { id: "u1", quantity: 1, idempotencyKey: "k2", planCreditsAfter: 6, topupCreditsAfter: 0 }, replayed: false },
      { ok: true, usage: { id: "u1", quantity: 1, idempotencyKey: "k2", planCreditsAfter: 6, topupCreditsAfter: 0 }, replayed: true },
    ]);
    expect(plan.newUsages).toHaveLength(1);
    expect(plan.final).toEqual({ planCredits: 6, topupCredits: 0 });
  });

  it("does not bind a key to a refused request, so a retry after a top-up can succeed", () => {
    const plan = planDebits({ planCredits: 0, topupCredits: 0 }, [{ quantity: 1, idempotencyKey: "k" }], new Map(), ids());
    expect(plan.outcomes[0]?.ok).toBe(false);
    expect(plan.newUsages).toEqual([]);
  });
});

describe("splitDebit with holds and grace: accepted iff total − held − quantity ≥ −grace", () => {
  it.each([
    // no grace, no holds: never below zero (the old rule)
    { plan: 0, topup: 5, held: 0, grace: 0, q: 5, want: { fromPlan: 0, fromTopup: 5 } },
    { plan: 0, topup: 5, held: 0, grace: 0, q: 6, want: null },
    // held credits count against a new debit
    { plan: 10, topup: 0, held: 4, grace: 0, q: 6, want: { fromPlan: 6, fromTopup: 0 } },
    { plan: 10, topup: 0, held: 4, grace: 0, q: 7, want: null },
    // grace: the top-up pool goes below zero, at most by the grace
    { plan: 3, topup: 2, held: 0, grace: 10, q: 15, want: { fromPlan: 3, fromTopup: 12 } },
    { plan: 3, topup: 2, held: 0, grace: 10, q: 16, want: null },
    // an overdraft already there: only what is left of the grace
    { plan: 0, topup: -8, held: 0, grace: 10, q: 2, want: { fromPlan: 0, fromTopup: 2 } },
    { plan: 0, topup: -8, held: 0, grace: 10, q: 3, want: null },
    // an outstanding overdraft with grace closed refuses everything
    { plan: 0, topup: -8, held: 0, grace: 0, q: 1, want: null },
    // holds and grace together
    { plan: 5, topup: 0, held: 5, grace: 10, q: 10, want: { fromPlan: 5, fromTopup: 5 } },
    { plan: 5, topup: 0, held: 5, grace: 10, q: 11, want: null },
  ])("plan=$plan topup=$topup held=$held grace=$grace quantity=$q", ({ plan, topup, held, grace, q, want }) => {
    expect(splitDebit({ planCredits: plan, topupCredits: topup }, q, { heldCredits: held, graceCredits: grace })).toEqual(want);
  });

  it("planDebits stops at the grace bound within a batch", () => {
    const plan = planDebits(
      { planCredits: 2, topupCredits: 0 },
      Array.from({ length: 10 }, () => ({ quantity: 1 })),
      new Map(),
      ids(),
      {
        heldCredits: 0,
        graceCredits: 5,
      },
    );
    expect(plan.outcomes.map((o) => o.ok)).toEqual([true, true, true, true, true, true, true, false, false, false]);
    expect(plan.final).toEqual({ planCredits: 0, topupCredits: -5 });
  });
});
