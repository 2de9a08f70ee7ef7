import { describe, expect, it } from "vitest";
import { isBackingOff, nextRetryAt } from "./backoff";
import { awaitsBackupCard, classifyDecline, shouldTryBackupCard } from "./decline-class";

describe("classifyDecline", () => {
  it.each([
    ["card_declined", "generic_decline", "terminal"],
    ["card_declined", "insufficient_funds", "terminal"],
    ["card_declined", "lost_card", "terminal"],
    ["card_declined", "stolen_card", "terminal"],
    ["card_declined", "do_not_honor", "terminal"],
    ["expired_card", null, "terminal"],
    ["incorrect_cvc", null, "terminal"],
    ["card_declined", null, "terminal"],
    ["processing_error", null, "transient"],
    ["card_declined", "try_again_later", "transient"],
    ["card_declined", "issuer_not_available", "transient"],
    ["card_declined", "reenter_transaction", "transient"],
    ["authentication_required", null, "authentication"],
    ["card_declined", "authentication_required", "authentication"],
  ] as const)("%s / %s → %s", (code, declineCode, want) => {
    expect(classifyDecline(code, declineCode)).toBe(want);
  });
});

describe("shouldTryBackupCard", () => {
  const p: Parameters<typeof shouldTryBackupCard>[0] = {
    trigger: "auto",
    code: "card_declined",
    declineCode: "insufficient_funds",
    backupPaymentMethodId: "pm_b",
    chargedPaymentMethodId: "pm_a",
  };
  it.each<[string, Partial<typeof p>, boolean]>([
    ["auto, terminal decline, a backup card", {}, true],
    ["no backup card", { backupPaymentMethodId: null }, false],
    ["the backup is the card that was declined", { backupPaymentMethodId: "pm_a" }, false],
    ["Top Up Now (manual): the owner is there", { trigger: "manual" }, false],
    ["transient error", { code: "processing_error", declineCode: null }, false],
    ["authentication required", { code: "authentication_required", declineCode: null }, false],
  ])("%s → %s", (_n, patch, want) => {
    expect(shouldTryBackupCard({ ...p, ...patch })).toBe(want);
  });
});

describe("back-off", () => {
  const at = new Date("2026-12-01T10:00:00Z");
  it.each([
    [null, "2026-12-01T10:30:00Z", false],
    ["2026-12-01T11:00:00Z", "2026-12-01T10:59:59Z", true],
    ["2026-12-01T11:00:00Z", "2026-12-01T11:00:00Z", false],
  ])("retry not before %s, at %s → backing off %s", (until, now, want) => {
    expect(isBackingOff(until ? new Date(until) : null, new Date(now))).toBe(want);
  });
  it("waits one hour by default", () => expect(nextRetryAt(at).toISOString()).toBe("2026-12-01T11:00:00.000Z"));
});

describe("awaitsBackupCard", () => {
  const open = { status: "processing", backupPaymentMethodId: "pm_b" };
  const declined = { kind: "declined", code: "card_declined", declineCode: "insufficient_funds" };
  it.each<[string, typeof open, Record<string, unknown>, boolean]>([
    ["default card's terminal decline, backup designated: the backup decides", open, declined, true],
    ["the backup card's own decline settles", open, { ...declined, card: "backup" }, false],
    ["no backup designated", { ...open, backupPaymentMethodId: null as unknown as string }, declined, false],
    ["attempt already settled", { ...open, status: "failed" }, declined, false],
    ["transient error", open, { ...declined, code: "processing_error", declineCode: null }, false],
    ["authentication required", open, { kind: "requires_action" }, false],
    ["success", open, { kind: "succeeded" }, false],
  ])("%s → %s", (_n, attempt, outcome, want) => {
    expect(awaitsBackupCard(attempt, outcome as Parameters<typeof awaitsBackupCard>[1])).toBe(want);
  });
});
