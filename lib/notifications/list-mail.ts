import { desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { outgoingEmails } from "@/db/schema";

/** Recorded outgoing mail, newest first: all of it, or only what was sent to `to`. */
export async function listRecordedMail(db: DbOrTx, opts: { to?: string; limit?: number } = {}) {
  const rows = await db
    .select()
    .from(outgoingEmails)
    .where(opts.to ? eq(outgoingEmails.to, opts.to) : undefined)
    .orderBy(desc(outgoingEmails.createdAt))
    .limit(opts.limit ?? 100);
  return rows.map((m) => ({
    id: m.id,
    to: m.to,
    subject: m.subject,
    text: m.text,
    html: m.html,
    kind: m.kind,
    status: m.status,
    createdAt: m.createdAt.toISOString(),
  }));
}
