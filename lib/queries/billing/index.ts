/** Read-only queries for the Billing page. Each takes `(db, orgId)`, filters by it, returns plain objects. */
export { getAutoRechargeOverview } from "./auto-recharge-overview";
export { listRechargeHistory } from "./recharge-history";
export { getPlanSummary, getDefaultCard, getOpenIncidents } from "./billing-summary";
