/** Read-only queries for the Billing page. Each takes `(db, orgId)`, filters by it, returns plain objects. */
export { getAutoRechargeOverview, loadAutoRechargeReadModel, type AutoRechargeOverview, type AutoRechargeReadModel } from "./auto-recharge-overview";
export { listRechargeHistory, type RechargeHistoryItem } from "./recharge-history";
export { getPlanSummary, getDefaultCard, getOpenIncidents, type CardSummary } from "./billing-summary";
