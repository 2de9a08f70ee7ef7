import { getDb } from "@/db/client";
import { CampaignsBanner } from "@/components/billing/campaigns-banner";
import { OrgSwitcher } from "@/components/layout/org-switcher";
import { SettingsNav } from "@/components/layout/settings-nav";
import { signOut } from "@/lib/auth/auth";
import { requireMember } from "@/lib/auth/guards";
import { listUserOrgs } from "@/lib/auth/membership";
import { currentUserId } from "@/lib/auth/session";
import { revokeSessions } from "@/lib/auth/session-version";
import { OWNER_ONLY_CAMPAIGNS } from "@/lib/billing/messages";
import { formatPackPrice, formatPerCreditRate } from "@/lib/billing/money";
import { CURRENCY, getPlan } from "@/lib/billing/plans";
import { countPausedCampaigns } from "@/lib/campaigns/campaigns-view";
import { getStripeCustomer } from "@/lib/stripe/customers";
import { resumeCampaignsAction } from "./settings/campaigns/actions/resume-campaigns";
import { resumeOptionsAction } from "./settings/campaigns/actions/resume-options";
import { topUpNowAction } from "./settings/billing/actions/top-up-now";
import { isAgency } from "@/lib/queries/sub-accounts";

export default async function OrgLayout({ children, params }: { children: React.ReactNode; params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await requireMember(slug);
  const [orgs, agency] = await Promise.all([listUserOrgs(getDb(), ctx.user.id), isAgency(getDb(), ctx.org.id)]);
  const pausedCampaigns = await countPausedCampaigns(getDb(), ctx.org.id);
  async function signOutAction() {
    "use server";
    // ends every session of this user on the server (a copied cookie stops working too), then clears the cookie
    const userId = await currentUserId();
    if (userId) await revokeSessions(getDb(), userId);
    await signOut({ redirectTo: "/sign-in" });
  }
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <div className="flex items-center gap-3">
            <span className="text-lg font-semibold tracking-tight">
              <span aria-hidden className="mr-1 text-brand-600">
                ◆
              </span>
              Refill
            </span>
            <span aria-hidden className="text-slate-300">
              /
            </span>
            <OrgSwitcher current={ctx.org} orgs={orgs} />
          </div>
          <div className="flex items-center gap-3 text-sm">
            <span className="hidden text-slate-600 sm:inline" data-testid="signed-in-as">
              {ctx.user.email} · <span className="capitalize">{ctx.role}</span>
            </span>
            <form action={signOutAction}>
              <button type="submit" className="rounded-md px-2 py-1 text-slate-700 hover:bg-slate-100">
                Sign out
              </button>
            </form>
          </div>
        </div>
        <div className="mx-auto max-w-6xl px-4 pb-2">
          <SettingsNav orgSlug={ctx.org.slug} isAgency={agency} />
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">
        {pausedCampaigns > 0 ? <div className="mb-4">{await campaignsBanner(ctx, pausedCampaigns)}</div> : null}
        {children}
      </main>
    </div>
  );
}

/** The paused-campaigns banner (issue #15): Recharge through Top Up Now's action for the owner with a card. */
async function campaignsBanner(ctx: Awaited<ReturnType<typeof requireMember>>, count: number) {
  const slug = ctx.org.slug;
  const plan = getPlan(ctx.org.plan);
  const isOwner = ctx.role === "owner";
  const hasCard = isOwner && !!(await getStripeCustomer(getDb(), ctx.org.id))?.defaultPaymentMethodId;
  const pricing = {
    planName: plan.name,
    packCredits: plan.packCredits,
    packPriceCents: plan.packPriceCents,
    currency: CURRENCY,
    perCreditRate: formatPerCreditRate(plan),
    packPriceLabel: formatPackPrice(plan),
  };
  return (
    <CampaignsBanner
      count={count}
      campaignsHref={`/${slug}/settings/campaigns`}
      disabledReason={!isOwner ? OWNER_ONLY_CAMPAIGNS : hasCard ? undefined : "Add a card on the Billing page to recharge."}
      pricing={pricing}
      topUp={topUpNowAction.bind(null, slug)}
      options={resumeOptionsAction.bind(null, slug)}
      resume={resumeCampaignsAction.bind(null, slug)}
    />
  );
}
