import { describe, expect, it } from "vitest";
import { INTERNAL_ERROR_MESSAGE, NEVER_CHARGED_MESSAGE } from "./decline-messages";
import { settleTransition, type AttemptState, type SettlementEffect, type SettlementOutcome } from "./settlement";

const OUTCOMES: Record<string, SettlementOutcome> = {
  succeeded: { kind: "succeeded", paymentIntentId: "pi_1" },
  declined: { kind: "declined", paymentIntentId: "pi_1", code: "card_declined", declineCode: "insufficient_funds" },
  requires_action: { kind: "requires_action", paymentIntentId: "pi_1" },
  canceled: { kind: "canceled", paymentIntentId: "pi_1" },
  in_flight: { kind: "in_flight", paymentIntentId: "pi_1" },
  no_payment_method: { kind: "no_payment_method" },
  internal_error: { kind: "internal_error", paymentIntentId: null },
  unknown: { kind: "unknown", paymentIntentId: null, reason: "timeout" },
  never_charged: { kind: "never_charged" },
  superseded: { kind: "superseded" },
};

/** Effects written compactly: credit, email:x, incident:x, failures:x, grace, alert, retrigger, resolve. */
function short(e: SettlementEffect): string {
  switch (e.kind) {
    case "credit":
      return "credit";
    case "email":
      return `email:${e.email}`;
    case "incident":
      return `incident:${e.incident}`;
    case "failures":
      return `failures:${e.change}`;
    case "end_grace":
      return "grace";
    case "spending_alert":
      return "alert";
    case "retrigger_if_low":
      return "retrigger";
    case "resolve_incidents":
      return "resolve";
  }
}

const SUCCESS = ["credit", "email:recharge_succeeded", "failures:reset", "grace", "alert", "retrigger"];
const LATE_SUCCESS = ["credit", "email:recharge_succeeded", "failures:reset", "grace", "resolve", "alert", "retrigger"];
const DECLINE = ["incident:card_declined", "email:recharge_failed", "grace", "failures:decline"];
const INTERNAL = ["incident:internal_error", "email:recharge_failed", "grace"];
const NO_PM = ["incident:no_payment_method", "email:recharge_failed", "grace"];
const VERIFY = ["incident:verification_needed", "email:verification_needed", "grace"];
const NONE: string[] = [];

type Row = [AttemptState, keyof typeof OUTCOMES, AttemptState | null, "mark" | "clear", string[]];

// every (state × outcome) of an AUTO attempt: [state, outcome, next (null = stays), unknown flag, effects]
const TABLE: Row[] = [
  ["pending", "succeeded", "succeeded", "clear", SUCCESS],
  ["pending", "declined", "failed", "clear", DECLINE],
  ["pending", "requires_action", "requires_action", "clear", VERIFY],
  ["pending", "canceled", "canceled", "clear", ["grace"]],
  ["pending", "in_flight", "processing", "clear", NONE],
  ["pending", "no_payment_method", "failed", "clear", NO_PM],
  ["pending", "internal_error", "failed", "clear", INTERNAL],
  ["pending", "unknown", "processing", "mark", NONE],
  ["pending", "never_charged", "failed", "clear", INTERNAL],
  ["pending", "superseded", null, "clear", NONE],

  ["processing", "succeeded", "succeeded", "clear", SUCCESS],
  ["processing", "declined", "failed", "clear", DECLINE],
  ["processing", "requires_action", "requires_action", "clear", VERIFY],
  ["processing", "canceled", "canceled", "clear", ["grace"]],
  ["processing", "in_flight", null, "clear", NONE],
  ["processing", "no_payment_method", "failed", "clear", NO_PM],
  ["processing", "internal_error", "failed", "clear", INTERNAL],
  ["processing", "unknown", null, "mark", NONE],
  ["processing", "never_charged", "failed", "clear", INTERNAL],
  ["processing", "superseded", null, "clear", NONE],

  ["requires_action", "succeeded", "succeeded", "clear", SUCCESS],
  ["requires_action", "declined", "failed", "clear", DECLINE],
  ["requires_action", "requires_action", null, "clear", NONE],
  ["requires_action", "canceled", "canceled", "clear", ["grace"]],
  ["requires_action", "in_flight", null, "clear", NONE],
  ["requires_action", "no_payment_method", null, "clear", NONE],
  ["requires_action", "internal_error", null, "clear", NONE],
  ["requires_action", "unknown", null, "clear", NONE],
  ["requires_action", "never_charged", null, "clear", NONE],
  ["requires_action", "superseded", "canceled", "clear", ["grace"]],

  // late success after a terminal failure: credited once, one "successful" email, the banner resolved
  ["failed", "succeeded", "succeeded", "clear", LATE_SUCCESS],
  ["canceled", "succeeded", "succeeded", "clear", LATE_SUCCESS],
  ...(
    ["declined", "requires_action", "canceled", "in_flight", "no_payment_method", "internal_error", "unknown", "never_charged", "superseded"] as const
  ).flatMap((o): Row[] => [
    ["failed", o, null, "clear", NONE],
    ["canceled", o, null, "clear", NONE],
  ]),
  // succeeded is terminal and sticky
  ...Object.keys(OUTCOMES).map((o): Row => ["succeeded", o, null, "clear", NONE]),
];

describe("settleTransition (auto attempts)", () => {
  it("covers every state × outcome", () => {
    const states: AttemptState[] = ["pending", "processing", "requires_action", "succeeded", "failed", "canceled"];
    const seen = new Set(TABLE.map(([s, o]) => `${s}×${o}`));
    for (const s of states) for (const o of Object.keys(OUTCOMES)) expect(seen.has(`${s}×${o}`), `${s}×${o}`).toBe(true);
    expect(seen.size).toBe(TABLE.length);
  });

  it.each(TABLE)("%s × %s → %s (%s) %j", (state, outcome, next, unknown, effects) => {
    const t = settleTransition(state, "auto", OUTCOMES[outcome]!);
    expect({ next: t.next, unknown: t.unknown, effects: t.effects.map(short) }).toEqual({ next, unknown, effects });
    if (t.next === "failed") expect(t.failure).toBeDefined();
    else expect(t.failure).toBeUndefined();
  });
});

describe("settleTransition details", () => {
  it("credits with the succeeding PaymentIntent's id (ledger key pi:<id>)", () => {
    expect(settleTransition("processing", "auto", OUTCOMES.succeeded!).effects[0]).toEqual({ kind: "credit", paymentIntentId: "pi_1" });
  });

  it("manual attempts: no spending alert and no retrigger; declines still go through the failure policy", () => {
    expect(settleTransition("processing", "manual", OUTCOMES.succeeded!).effects.map(short)).toEqual([
      "credit",
      "email:recharge_succeeded",
      "failures:reset",
      "grace",
    ]);
    expect(settleTransition("failed", "manual", OUTCOMES.succeeded!).effects.map(short)).toEqual([
      "credit",
      "email:recharge_succeeded",
      "failures:reset",
      "grace",
      "resolve",
    ]);
    expect(settleTransition("processing", "manual", OUTCOMES.declined!).effects.map(short)).toEqual(DECLINE);
  });

  it("an unknown outcome is never a failure, from any state", () => {
    for (const s of ["pending", "processing", "requires_action", "succeeded", "failed", "canceled"] as const) {
      const t = settleTransition(s, "auto", OUTCOMES.unknown!);
      expect(t.next === null || t.next === "processing").toBe(true);
      expect(t.effects).toEqual([]);
    }
  });

  it("failure codes and messages the owner reads", () => {
    expect(settleTransition("processing", "auto", OUTCOMES.declined!).failure).toEqual({
      code: "card_declined",
      declineCode: "insufficient_funds",
      message: "Your card was declined: insufficient funds. Add funds to the card or update your payment method.",
    });
    expect(settleTransition("processing", "auto", OUTCOMES.internal_error!).failure).toEqual({
      code: "internal_error",
      declineCode: null,
      message: INTERNAL_ERROR_MESSAGE,
    });
    expect(settleTransition("processing", "auto", OUTCOMES.never_charged!).failure).toEqual({
      code: "never_charged",
      declineCode: null,
      message: NEVER_CHARGED_MESSAGE,
    });
    expect(settleTransition("pending", "auto", OUTCOMES.no_payment_method!).failure?.code).toBe("no_payment_method");
  });
});
