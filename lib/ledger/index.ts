/** The only writer of credit balances and ledger entries. */
export { getBalance, openBalance, type Balance } from "./balance";
export { debitCredits, type DebitResult } from "./debit";
export { creditTopup } from "./credit";
export { resetPlanCredits } from "./plan-credits";
export { grantGrace, endGrace } from "./grace";
