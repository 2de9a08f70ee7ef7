import { z } from "zod";
import { getPlan, type PlanId } from "./plans";

/**
 * Low-balance alerts (issue #13), the pure rule. An org has up to 3 thresholds (credits) and one
 * `balance.depleted` alert (threshold 0: available ≤ 0). Each alert is ARMED until it fires: it fires once
 * when the available balance is at or below its threshold (one alert per crossing), is re-armed when the
 * balance recovers above it (`balance.recovered`), and never fires twice within ALERT_MIN_INTERVAL_MS —
 * a crossing inside that hour stays armed and fires once the hour is over, if the balance is still low.
 */
const MAX_ALERT_THRESHOLDS = 3;
const MAX_ALERT_RECIPIENTS = 10;
export const ALERT_MIN_INTERVAL_MS = 3_600_000;
/** the threshold of the `balance.depleted` alert */
export const DEPLETED = 0;

/** The state of one alert as stored (one row per org and threshold). */
export interface AlertState {
  threshold: number;
  armed: boolean;
  lastFiredAt: Date | null;
}

export type AlertDecision =
  { action: "fire"; type: "balance.low" | "balance.depleted" } | { action: "rearm" } | { action: "none"; reason: "above" | "fired" | "rate_limited" };

const isLow = (available: number, threshold: number) => (threshold === DEPLETED ? available <= 0 : available <= threshold);

/** One alert's decision for the current available balance. */
export function decideAlert(state: AlertState, available: number, now: Date): AlertDecision {
  const low = isLow(available, state.threshold);
  if (!low) return state.armed ? { action: "none", reason: "above" } : { action: "rearm" };
  if (!state.armed) return { action: "none", reason: "fired" };
  if (state.lastFiredAt && now.getTime() - state.lastFiredAt.getTime() < ALERT_MIN_INTERVAL_MS) return { action: "none", reason: "rate_limited" };
  return { action: "fire", type: state.threshold === DEPLETED ? "balance.depleted" : "balance.low" };
}

/** The state after a decision is applied. */
export function nextAlertState(state: AlertState, decision: AlertDecision, now: Date): AlertState {
  if (decision.action === "fire") return { ...state, armed: false, lastFiredAt: now };
  if (decision.action === "rearm") return { ...state, armed: true };
  return state;
}

/**
 * The thresholds in force: the owner's, or by default one at the auto-recharge threshold when auto-recharge
 * is on, else 10 % of the plan's monthly allotment (at least 1 credit). Descending, distinct.
 */
export function effectiveThresholds(p: { configured: number[] | null; autoRecharge: { enabled: boolean; threshold: number } | null; plan: PlanId }): number[] {
  if (p.configured) return [...new Set(p.configured)].sort((a, b) => b - a);
  if (p.autoRecharge?.enabled && p.autoRecharge.threshold >= 1) return [p.autoRecharge.threshold];
  return [Math.max(1, Math.round(getPlan(p.plan).monthlyCredits / 10))];
}

/**
 * The hot path's gate: a debit can only make an alert fire when the available balance is at or below this
 * level (the highest threshold whose alert is armed and not held back by the hourly limit; thresholds with
 * no state yet count as armed). `null`: no alert can fire before `recheckAt`. `recheckAt` is when a held-back
 * alert may fire again (the gate must be recomputed then), or null.
 */
export function alertGate(thresholds: number[], states: AlertState[], now: Date): { level: number | null; recheckAt: Date | null } {
  let level: number | null = null;
  let recheckAt: Date | null = null;
  for (const threshold of [...thresholds, DEPLETED]) {
    const s = states.find((x) => x.threshold === threshold) ?? { threshold, armed: true, lastFiredAt: null };
    if (!s.armed) continue;
    const until = s.lastFiredAt ? s.lastFiredAt.getTime() + ALERT_MIN_INTERVAL_MS : 0;
    if (until > now.getTime()) {
      if (!recheckAt || until < recheckAt.getTime()) recheckAt = new Date(until);
      continue;
    }
    if (level === null || threshold > level) level = threshold;
  }
  return { level, recheckAt };
}

/** The owner's alert settings: Billing page form, server action and `PUT /api/v1/billing/alerts`. */
export const balanceAlertsSchema = z.object({
  thresholds: z
    .array(
      z
        .number({ error: "Each threshold must be a number" })
        .int("Thresholds are whole credits")
        .min(1, "Thresholds must be at least 1 credit")
        .max(1_000_000_000, "That threshold is too large"),
      {
        error: "thresholds must be a list of numbers",
      },
    )
    .max(MAX_ALERT_THRESHOLDS, `At most ${MAX_ALERT_THRESHOLDS} thresholds`)
    .refine((t) => new Set(t).size === t.length, "Thresholds must be different from each other"),
  recipients: z
    .array(z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address")), { error: "recipients must be a list of emails" })
    .max(MAX_ALERT_RECIPIENTS, `At most ${MAX_ALERT_RECIPIENTS} recipients`)
    .refine((r) => new Set(r).size === r.length, "Each recipient only once"),
});
export type BalanceAlertsInput = z.infer<typeof balanceAlertsSchema>;

/** The Billing page's "Balance alerts" form: three optional threshold fields and a recipients box (comma or newline separated). */
export const balanceAlertsFormSchema = z
  .object({
    threshold1: z.string(),
    threshold2: z.string(),
    threshold3: z.string(),
    recipients: z.string().max(4000, "Too many recipients"),
  })
  .superRefine((v, ctx) => {
    const input = formToBalanceAlerts(v);
    const parsed = balanceAlertsSchema.safeParse(input);
    if (parsed.success) return;
    // a list-wide threshold error (duplicates) belongs to the first repeated field
    const repeated = Math.max(
      0,
      input.thresholds.findIndex((t, i) => input.thresholds.indexOf(t) !== i),
    );
    for (const issue of parsed.error.issues) {
      const [field, index] = issue.path;
      const path = field === "thresholds" ? [`threshold${(typeof index === "number" ? index : repeated) + 1}`] : ["recipients"];
      ctx.addIssue({ code: "custom", message: issue.message, path });
    }
  });
export type BalanceAlertsFormInput = z.input<typeof balanceAlertsFormSchema>;

/** Form values → the API's input (empty threshold fields are left out; recipients split on commas, spaces and newlines). */
export function formToBalanceAlerts(v: BalanceAlertsFormInput): { thresholds: number[]; recipients: string[] } {
  const thresholds = [v.threshold1, v.threshold2, v.threshold3]
    .map((s) => s.trim().replace(/[,_\s]/g, ""))
    .filter((s) => s !== "")
    .map(Number);
  const recipients = v.recipients
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
  return { thresholds, recipients };
}
