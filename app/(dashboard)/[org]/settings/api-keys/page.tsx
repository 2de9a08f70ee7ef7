import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { requireMember } from "@/lib/auth/guards";
import { listApiKeys } from "@/lib/api-keys/manage-api-keys";
import { formatDate, formatDateTime } from "@/lib/format";
import { CreateApiKeyForm } from "./create-api-key-form";
import { RevokeApiKeyButton } from "./revoke-api-key-button";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await requireMember(slug);
  const keys = await listApiKeys(getDb(), ctx.org.id);
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
          Only the organization owner can create or revoke API keys.
        </p>
      )}
      <Card id="keys" title="Keys">
        {keys.length === 0 ? (
          <p className="py-6 text-center text-sm text-slate-600">No API keys yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="API keys">
            {keys.map((k) => (
              <li key={k.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                <div>
                  <p className="font-medium">
                    {k.name} {k.revokedAt ? <Badge tone="danger">Revoked {formatDate(k.revokedAt, tz)}</Badge> : <Badge tone="success">Active</Badge>}
                  </p>
                  <p className="text-sm text-slate-600">
                    <code className="font-mono">{k.prefix}…</code> · {k.scopes.join(", ")} · created {formatDate(k.createdAt, tz)} · last used{" "}
                    {k.lastUsedAt ? formatDateTime(k.lastUsedAt, tz) : "never"}
                  </p>
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
