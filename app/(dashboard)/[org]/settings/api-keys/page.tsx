import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { requireMember } from "@/lib/auth/guards";
import { Progress } from "@/components/ui/progress";
import { listKeysWithBudgets, type KeyBudgetView } from "@/lib/api-keys/key-budgets";
import { budgetLevel } from "@/lib/billing/key-budget";
import { formatCredits } from "@/lib/billing/money";
import { formatDate, formatDateTime } from "@/lib/format";
import { CreateApiKeyForm } from "./create-api-key-form";
import { KeyBudgetForm } from "./key-budget-form";
import { RevokeApiKeyButton } from "./revoke-api-key-button";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await requireMember(slug);
  const keys = await listKeysWithBudgets(getDb(), ctx.org.id);
  const isOwner = ctx.role === "owner";
  const tz = ctx.org.timeZone;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
        <p className="text-sm text-slate-600">
          Your product reports usage with <code className="font-mono">POST /api/v1/usage</code> and{" "}
          <code className="font-mono">Authorization: Bearer &lt;key&gt;</code>.
        </p>
      </div>
      {isOwner ? (
        <Card id="create-key" title="Create an API key" description="The secret is shown once; Refill stores only a hash.">
          <CreateApiKeyForm orgSlug={slug} />
        </Card>
      ) : (
        <p role="note" className="rounded-md border border-slate-200 bg-white px-4 py-3 text-sm text-slate-700">
          Only the organization owner can create or revoke API keys and change their budgets.
        </p>
      )}
      <Card id="keys" title="Keys">
        {keys.length === 0 ? (
          <p className="py-6 text-center text-sm text-slate-600">No API keys yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="API keys">
            {keys.map((k) => (
              <li key={k.id} className="flex flex-wrap items-start justify-between gap-3 py-3" data-testid={`key-${k.id}`}>
                <div className="min-w-0 flex-1 space-y-2">
                  <p className="font-medium">
                    {k.name} {k.revokedAt ? <Badge tone="danger">Revoked {formatDate(k.revokedAt, tz)}</Badge> : <Badge tone="success">Active</Badge>}
                  </p>
                  <p className="text-sm text-slate-600">
                    <code className="font-mono">{k.prefix}…</code> · {k.scopes.join(", ")} · created {formatDate(k.createdAt, tz)} · last used{" "}
                    {k.lastUsedAt ? formatDateTime(k.lastUsedAt, tz) : "never"}
                  </p>
                  <BudgetUse budget={k.budget} name={k.name} />
                  {isOwner && !k.revokedAt ? (
                    <KeyBudgetForm
                      orgSlug={slug}
                      keyId={k.id}
                      keyName={k.name}
                      orgTimeZone={tz}
                      budget={k.budget ? { credits: k.budget.credits, period: k.budget.period, timeZone: k.budget.timeZone } : null}
                    />
                  ) : null}
                </div>
                {isOwner && !k.revokedAt ? <RevokeApiKeyButton orgSlug={slug} keyId={k.id} name={k.name} /> : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

const PER = { day: "day", week: "week", month: "month" } as const;

/** "420 of 1,000 credits this day · resets Dec 3, 2026, 12:00 AM (UTC)" with a bar (amber from 80 %, red at 100 %). */
function BudgetUse({ budget, name }: { budget: KeyBudgetView | null; name: string }) {
  if (!budget) return <p className="text-sm text-slate-500">No budget: this key may use the whole balance.</p>;
  const level = budgetLevel(budget.used, budget.credits);
  return (
    <div className="max-w-md space-y-1" data-testid="key-budget">
      <p className="text-sm text-slate-800">
        <span className="font-medium">{formatCredits(budget.used)}</span> of {formatCredits(budget.credits)} credits used this {PER[budget.period]}{" "}
        {level === 100 ? <Badge tone="danger">Budget reached: usage refused</Badge> : level === 80 ? <Badge tone="warning">80% used</Badge> : null}
      </p>
      <Progress value={budget.used} max={budget.credits} label={`Budget used by ${name}`} tone={level === 100 ? "danger" : level === 80 ? "warning" : "ok"} />
      <p className="text-xs text-slate-600">
        Resets {formatDateTime(budget.resetsAt, budget.timeZone)} ({budget.timeZone})
      </p>
    </div>
  );
}
