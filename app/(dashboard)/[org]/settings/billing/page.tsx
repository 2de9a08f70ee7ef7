import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { CreditsTile } from "@/components/billing/credits-tile";
import { LedgerHistory } from "@/components/billing/ledger-history";
import { requireMember } from "@/lib/auth/guards";
import { getBalance } from "@/lib/ledger";
import { listLedgerEntries } from "@/lib/queries/ledger-history";

export const metadata: Metadata = { title: "Billing" };

export default async function BillingPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ before?: string }> }) {
  const { org: slug } = await params;
  const { before } = await searchParams;
  const ctx = await requireMember(slug);
  const db = getDb();
  const beforeId = before && /^\d+$/.test(before) ? Number(before) : null;
  const [balance, ledger] = await Promise.all([getBalance(db, ctx.org.id), listLedgerEntries(db, ctx.org.id, { before: beforeId })]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Billing</h1>
        <p className="text-sm text-slate-600">Credits, usage and payments for {ctx.org.name}.</p>
      </div>
      <CreditsTile {...balance} timeZone={ctx.org.timeZone} />
      <LedgerHistory page={ledger} basePath={`/${slug}/settings/billing`} timeZone={ctx.org.timeZone} />
    </div>
  );
}
