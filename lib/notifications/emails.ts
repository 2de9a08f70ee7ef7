import { and, eq } from "drizzle-orm";
import nodemailer, { type Transporter } from "nodemailer";
import type { DbOrTx } from "@/db/client";
import { memberships, outgoingEmails, users } from "@/db/schema";
import { env } from "@/lib/env";
import { enqueueJob } from "@/lib/jobs/queue";

export interface EmailContent {
  subject: string;
  text: string;
}

/** Emails of the org's owners (role read from the DB). */
export async function listOwnerEmails(db: DbOrTx, orgId: string): Promise<string[]> {
  const rows = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "owner")));
  return rows.map((r) => r.email);
}

/**
 * Records one email per recipient (default: the org's owners) as `queued`, once per `dedupeKey`.
 * Returns the new rows' ids; pass them to `enqueueEmails` after the transaction commits.
 */
export async function recordEmail(
  db: DbOrTx,
  params: { orgId: string; kind: string; content: EmailContent; dedupeKey: string; to?: string[] },
): Promise<string[]> {
  const to = params.to ?? (await listOwnerEmails(db, params.orgId));
  const ids: string[] = [];
  for (const addr of to) {
    const [row] = await db
      .insert(outgoingEmails)
      .values({ orgId: params.orgId, kind: params.kind, to: addr, subject: params.content.subject, text: params.content.text, dedupeKey: `${params.dedupeKey}:${addr}` })
      .onConflictDoNothing()
      .returning({ id: outgoingEmails.id });
    if (row) ids.push(row.id);
  }
  return ids;
}

export async function enqueueEmails(ids: string[]): Promise<void> {
  for (const id of ids) await enqueueJob("email", { emailId: id }, { singletonKey: `email:${id}` });
}

let transport: { url: string; t: Transporter } | undefined;

function getTransport(url: string): Transporter {
  if (transport?.url !== url) transport = { url, t: nodemailer.createTransport(url) };
  return transport.t;
}

/**
 * Sends a queued email over SMTP_URL, or marks it `recorded` when no SMTP is configured (it then shows at
 * /dev/mailbox). Sending twice is prevented by the status check; an SMTP failure throws (the job retries).
 */
export async function deliverEmail(db: DbOrTx, emailId: string): Promise<"sent" | "recorded" | "skipped"> {
  const [mail] = await db.select().from(outgoingEmails).where(eq(outgoingEmails.id, emailId));
  if (!mail || mail.status !== "queued") return "skipped";
  const { SMTP_URL, MAIL_FROM } = env();
  if (!SMTP_URL) {
    await db.update(outgoingEmails).set({ status: "recorded" }).where(eq(outgoingEmails.id, emailId));
    return "recorded";
  }
  try {
    await getTransport(SMTP_URL).sendMail({ from: MAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text });
  } catch (err) {
    await db.update(outgoingEmails).set({ error: String(err).slice(0, 500) }).where(eq(outgoingEmails.id, emailId));
    throw err;
  }
  await db.update(outgoingEmails).set({ status: "sent", sentAt: new Date(), error: null }).where(eq(outgoingEmails.id, emailId));
  return "sent";
}
