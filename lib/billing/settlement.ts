import { declineMessage, INTERNAL_ERROR_MESSAGE, NEVER_CHARGED_MESSAGE, NO_PAYMENT_METHOD_MESSAGE } from "./decline-messages";

/**
 * Settlement of a recharge attempt as a pure state machine: (state, what Stripe said) → (next state,
 * effects). No database, no Stripe: `lib/recharge/settle-attempt.ts` applies the effects in the one
 * transaction that moves the attempt row.
 *
 *   pending ──▶ processing ──▶ succeeded            (terminal, sticky)
 *      │            │  ▲ └───▶ requires_action ──▶ succeeded | failed | canceled
 *      │            │  └─ unknown: stays processing, never failed on a guess
 *      └────────────┴──────▶ failed | canceled      (terminal, except a late success)
 *
 * - `succeeded` is terminal and sticky: nothing moves it, credits are never taken back.
 * - A late success after `failed`/`canceled` → `succeeded`, credited once (ledger key `pi:<PaymentIntent id>`),
 *   one "successful" email, and the attempt's failure banner is resolved. It counts again toward the month's
 *   recharge count and spend (those count `succeeded` attempts by creation month).
 * - An UNKNOWN outcome (timeout, connection reset, 5xx after retries: Stripe may have charged) leaves the
 *   attempt open (`processing`, marked unknown) — it keeps counting toward the monthly cap, the spending
 *   limit and the one-open-attempt rule until Stripe says what happened. No incident, no email.
 * - `internal_error` is an error KNOWN to have had no effect (Stripe refused the request: 400/401/403),
 *   so failing the attempt is the truth, not a guess.
 */
export type AttemptState = "pending" | "processing" | "requires_action" | "succeeded" | "failed" | "canceled";

/** What Stripe said about an attempt's PaymentIntent (or that it could not be asked), normalized. */
export type SettlementOutcome =
  | { kind: "succeeded"; paymentIntentId: string }
  | {
      kind: "declined";
      paymentIntentId: string | null;
      code: string | null;
      declineCode: string | null;
      /** which card declined: the default (absent) or the backup card tried after it (metadata `card`) */
      card?: "default" | "backup";
    }
  | { kind: "requires_action"; paymentIntentId: string | null }
  | { kind: "canceled"; paymentIntentId: string }
  /** the PaymentIntent exists and is still moving (processing, requires_confirmation, …) */
  | { kind: "in_flight"; paymentIntentId: string }
  | { kind: "no_payment_method" }
  /** Stripe refused the request (invalid request, authentication): known to have charged nothing */
  | { kind: "internal_error"; paymentIntentId: string | null }
  /** no answer we can trust: timeout, connection reset, 409 in flight, 5xx after every retry */
  | { kind: "unknown"; paymentIntentId: string | null; reason: string }
  /** reconciliation: Stripe has no PaymentIntent for the attempt and its idempotency key may have expired */
  | { kind: "never_charged" }
  /** the owner replaced the default card: a payment waiting for verification on the old card is given up */
  | { kind: "superseded" };

type SettlementIncident = "card_declined" | "internal_error" | "no_payment_method" | "verification_needed";
type SettlementEmail = "recharge_succeeded" | "recharge_failed" | "verification_needed";

export type SettlementEffect =
  /** credit the attempt's credits, ledger key `pi:<paymentIntentId>` */
  | { kind: "credit"; paymentIntentId: string }
  | { kind: "incident"; incident: SettlementIncident }
  /** a late success: the attempt's open failure banners no longer apply */
  | { kind: "resolve_incidents" }
  | { kind: "email"; email: SettlementEmail }
  /** consecutive-failure count: reset on success; a decline goes through the failure policy */
  | { kind: "failures"; change: "reset" | "decline" }
  /** auto only: the spending-limit alert check, and a new trigger if the balance is still below the threshold */
  | { kind: "spending_alert" }
  | { kind: "retrigger_if_low" }
  /** the grace granted against this attempt's credits ends (covered by the credit, or refused from now on) */
  | { kind: "end_grace" };

export interface Failure {
  code: string;
  declineCode: string | null;
  /** what the owner reads (never Stripe's raw text) */
  message: string;
}

export interface Transition {
  /** the next state, or null when the attempt stays as it is */
  next: AttemptState | null;
  /** `mark`: the outcome is unknown (record since when and why); `clear`: Stripe answered */
  unknown: "mark" | "clear";
  effects: SettlementEffect[];
  /** for `failed`: the code and message stored on the attempt */
  failure?: Failure;
}

const OPEN: ReadonlySet<AttemptState> = new Set(["pending", "processing"]);

function succeed(paymentIntentId: string, trigger: "auto" | "manual", late: boolean): Transition {
  const effects: SettlementEffect[] = [
    { kind: "credit", paymentIntentId },
    { kind: "email", email: "recharge_succeeded" },
    { kind: "failures", change: "reset" },
    { kind: "end_grace" },
  ];
  if (late) effects.push({ kind: "resolve_incidents" });
  if (trigger === "auto") effects.push({ kind: "spending_alert" }, { kind: "retrigger_if_low" });
  return { next: "succeeded", unknown: "clear", effects };
}

function fail(incident: SettlementIncident, failure: Failure, decline: boolean): Transition {
  const effects: SettlementEffect[] = [{ kind: "incident", incident }, { kind: "email", email: "recharge_failed" }, { kind: "end_grace" }];
  if (decline) effects.push({ kind: "failures", change: "decline" });
  return { next: "failed", unknown: "clear", effects, failure };
}

const stay = (unknown: Transition["unknown"] = "clear"): Transition => ({ next: null, unknown, effects: [] });

/**
 * The transition for an attempt in `state` (created by `trigger`) given `outcome`. Pure and total: every
 * (state × outcome) has an answer; see settlement.test.ts for the whole table.
 */
export function settleTransition(state: AttemptState, trigger: "auto" | "manual", outcome: SettlementOutcome): Transition {
  if (state === "succeeded") return stay();
  if (outcome.kind === "succeeded") return succeed(outcome.paymentIntentId, trigger, state === "failed" || state === "canceled");
  if (state === "failed" || state === "canceled") return stay();

  const open = OPEN.has(state);
  switch (outcome.kind) {
    case "unknown":
      // never failed on a guess; a pending attempt whose call was sent is processing
      return { next: state === "pending" ? "processing" : null, unknown: open ? "mark" : "clear", effects: [] };
    case "in_flight":
      return { next: state === "pending" ? "processing" : null, unknown: "clear", effects: [] };
    case "requires_action":
      if (!open) return stay();
      return {
        next: "requires_action",
        unknown: "clear",
        effects: [{ kind: "incident", incident: "verification_needed" }, { kind: "email", email: "verification_needed" }, { kind: "end_grace" }],
      };
    case "canceled":
      return { next: "canceled", unknown: "clear", effects: [{ kind: "end_grace" }] };
    case "declined":
      return fail(
        "card_declined",
        { code: outcome.code ?? "card_declined", declineCode: outcome.declineCode, message: declineMessage(outcome.code, outcome.declineCode) },
        true,
      );
    case "no_payment_method":
      return open ? fail("no_payment_method", { code: "no_payment_method", declineCode: null, message: NO_PAYMENT_METHOD_MESSAGE }, false) : stay();
    case "internal_error":
      return open ? fail("internal_error", { code: "internal_error", declineCode: null, message: INTERNAL_ERROR_MESSAGE }, false) : stay();
    case "superseded":
      // only a payment waiting for verification; one in flight finishes on the card it was sent with
      return state === "requires_action" ? { next: "canceled", unknown: "clear", effects: [{ kind: "end_grace" }] } : stay();
    case "never_charged":
      return open ? fail("internal_error", { code: "never_charged", declineCode: null, message: NEVER_CHARGED_MESSAGE }, false) : stay();
  }
}
