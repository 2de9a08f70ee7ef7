/** The only writer of credit balances and ledger entries. */
export { getBalance, openBalance, LedgerError, type Balance } from "./balance";
export { debitCredits, type DebitResult, type DebitRequest } from "./debit";
export { creditTopup, type CreditTopupInput } from "./credit";
export { resetPlanCredits, type ResetPlanCreditsInput } from "./plan-credits";
export { grantGrace, endGrace, type GrantGraceInput } from "./grace";
export { createHold, releaseHold, getHold, expireHolds, MAX_HOLD_SECONDS, DEFAULT_HOLD_SECONDS, type HoldConflict } from "./holds";
export { captureHold, type CaptureHoldResult } from "./hold-capture";
