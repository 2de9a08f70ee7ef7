"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { notify as toast } from "./notify";
import type { PacksAction } from "./packs-dialog";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import type { ActionResult } from "@/lib/actions/action-result";
import { tierName, type CampaignOption } from "@/lib/billing/campaigns";
import { MINUTE_TIERS, type MinuteTier } from "@/lib/billing/meters";
import { formatCredits, formatMoney, type PackPricing } from "@/lib/billing/money";

export type ResumeOptionsAction = (tier: MinuteTier | null) => Promise<ActionResult<{ available: number; campaigns: CampaignOption[] }>>;
export type ResumeCampaignsAction = (p: { ids: string[]; tier: MinuteTier | null }) => Promise<ActionResult<{ resumed: number }>>;

/**
 * Recharge for paused campaigns: 1) choose the minute tier and the amount (packs) — charged through Top Up
 * Now's action and charge path; 2) once the payment succeeded, choose which paused campaigns to resume. A
 * campaign the recharge's tier does not cover (Premium after a Basic recharge), or whose minimum the balance
 * does not meet, is listed unavailable with the reason.
 */
export function CampaignRechargeDialog(p: { pricing: PackPricing; topUp: PacksAction; options: ResumeOptionsAction; resume: ResumeCampaignsAction }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [tier, setTier] = useState<MinuteTier>("premium");
  const [packs, setPacks] = useState(1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [paid, setPaid] = useState<{ tier: MinuteTier; campaigns: CampaignOption[] } | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const valid = Number.isInteger(packs) && packs >= 1 && packs <= 100;

  function reset(o: boolean) {
    setOpen(o);
    if (!o) {
      setPaid(null);
      setError(null);
      setChosen([]);
      router.refresh();
    }
  }

  async function pay() {
    setBusy(true);
    setError(null);
    try {
      const r = await p.topUp(packs);
      if (!r.ok) return setError(r.message);
      if (r.verifyUrl) return window.location.assign(r.verifyUrl);
      if (r.status !== "succeeded") return setError(r.message ?? "Payment is processing; resume your campaigns once the credits are added.");
      toast.success(r.message ?? "Credits added.");
      const o = await p.options(tier);
      if (!o.ok) return setError(o.message);
      setPaid({ tier, campaigns: o.campaigns });
      setChosen(o.campaigns.filter((c) => c.resumable).map((c) => c.id));
    } finally {
      setBusy(false);
    }
  }

  async function resume() {
    if (!paid) return;
    setBusy(true);
    setError(null);
    try {
      const r = await p.resume({ ids: chosen, tier: paid.tier });
      if (!r.ok) return setError(r.message);
      toast.success(r.message ?? "Campaigns resumed.");
      reset(false);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open={open}
      onOpenChange={reset}
      title={paid ? "Resume campaigns" : "Recharge for campaigns"}
      description={
        paid
          ? `Your ${tierName(paid.tier)} recharge succeeded. Choose the campaigns to resume.`
          : "Charges your saved card now. A Premium recharge covers Premium and Basic campaigns; a Basic recharge covers Basic only."
      }
      trigger={<Button variant="secondary">Recharge</Button>}
    >
      {paid ? (
        <div className="space-y-4">
          <ul className="space-y-2" aria-label="Paused campaigns">
            {paid.campaigns.map((c) => (
              <li key={c.id} className="rounded-md border border-slate-200 px-3 py-2 text-sm">
                <label className="flex items-center gap-2">
                  <input
                    type="checkbox"
                    disabled={!c.resumable}
                    checked={chosen.includes(c.id)}
                    onChange={(e) => setChosen(e.target.checked ? [...chosen, c.id] : chosen.filter((x) => x !== c.id))}
                  />
                  <span className="font-medium">{c.name}</span>
                  <span className="text-slate-600">· {tierName(c.tier)}</span>
                </label>
                {c.reason ? <p className="mt-1 text-xs text-slate-700">Unavailable: {c.reason}</p> : null}
              </li>
            ))}
          </ul>
          {error ? (
            <p role="alert" className="text-sm font-medium text-red-700">
              {error}
            </p>
          ) : null}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="ghost" onClick={() => reset(false)}>
              Not now
            </Button>
            <Button type="button" disabled={busy || chosen.length === 0} onClick={resume}>
              {busy ? "Working…" : `Resume ${chosen.length} selected`}
            </Button>
          </div>
        </div>
      ) : (
        <div className="space-y-4">
          <fieldset>
            <legend className="text-sm font-medium text-slate-900">Minute tier</legend>
            <div className="mt-2 flex gap-4">
              {MINUTE_TIERS.map((t) => (
                <label key={t} className="flex items-center gap-2 text-sm">
                  <input type="radio" name="campaign-tier" value={t} checked={tier === t} onChange={() => setTier(t)} />
                  {tierName(t)}
                </label>
              ))}
            </div>
          </fieldset>
          <label className="block text-sm font-medium text-slate-900" htmlFor="campaign-packs">
            Number of packs
          </label>
          <input
            id="campaign-packs"
            type="number"
            min={1}
            max={100}
            step={1}
            value={Number.isNaN(packs) ? "" : packs}
            onChange={(e) => setPacks(e.target.valueAsNumber)}
            aria-describedby="campaign-packs-hint"
            className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
          <p id="campaign-packs-hint" className="text-xs text-slate-600">
            From 1 to 100 packs of {formatCredits(p.pricing.packCredits)} credits.
          </p>
          <p className="text-sm tabular-nums" data-testid="campaign-recharge-total">
            {valid ? `${formatCredits(packs * p.pricing.packCredits)} credits · ${formatMoney(packs * p.pricing.packPriceCents, p.pricing.currency)}` : "—"}
          </p>
          {error ? (
            <p role="alert" className="text-sm font-medium text-red-700">
              {error}
            </p>
          ) : null}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="ghost" onClick={() => reset(false)}>
              Cancel
            </Button>
            <Button type="button" disabled={busy || !valid} onClick={pay}>
              {busy ? "Working…" : `Charge ${valid ? formatMoney(packs * p.pricing.packPriceCents, p.pricing.currency) : ""}`}
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
