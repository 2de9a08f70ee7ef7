import { and, eq } from "drizzle-orm";
import nodemailer, { type Transporter } from "nodemailer";
import type { Db, DbOrTx } from "@/db/client";
import { memberships, outgoingEmails, users } from "@/db/schema";
import { env } from "@/lib/env";
import { enqueueJob, handOffJob } from "@/lib/jobs/queue";

/**
 * The durable delivery job starts this many seconds after the email's transaction commits: the caller's
 * after-commit `enqueueEmails` normally delivered it by then, and the job finds it sent.
 */
const EMAIL_JOB_DELAY_SECONDS = 5;

/** A rendered email: subject, plain-text part and HTML part (lib/notifications/templates.ts builds them). */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
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
 * Records one email per recipient (default: the org's owners) as `queued`, once per `dedupeKey`, and
 * queues each one's delivery job IN `db` (the caller's transaction: the job exists iff the email does).
 * Returns the new rows' ids; `enqueueEmails(ids)` after the commit delivers them at once (optional).
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
      .values({
        orgId: params.orgId,
        kind: params.kind,
        to: addr,
        subject: params.content.subject,
        text: params.content.text,
        html: params.content.html,
        dedupeKey: `${params.dedupeKey}:${addr}`,
      })
      .onConflictDoNothing()
      .returning({ id: outgoingEmails.id });
    if (row) {
      ids.push(row.id);
      await enqueueJob("email", { emailId: row.id }, { singletonKey: `email:${row.id}`, startAfterSeconds: EMAIL_JOB_DELAY_SECONDS, tx: db });
    }
  }
  return ids;
}

/**
 * The fast path, after the transaction that recorded `ids` committed: delivers them in this process now
 * (not awaited in the app). Optional — `recordEmail` already queued each delivery job in the transaction,
 * and delivery is idempotent by email id (a row lock + the `queued` status), so calling this twice or not
 * at all never sends twice or loses an email.
 */
export async function enqueueEmails(ids: string[], db: Db | null = null): Promise<void> {
  for (const id of ids) await handOffJob(db, "email", { emailId: id });
}

let transport: { url: string; t: Transporter } | undefined;

function getTransport(url: string): Transporter {
  if (transport?.url !== url) transport = { url, t: nodemailer.createTransport(url) };
  return transport.t;
}

/** Thrown when another delivery of the same email holds its row (the job retries and then finds it sent). */
class EmailBusyError extends Error {}

/**
 * Sends a queued email over SMTP_URL, or marks it `recorded` when no SMTP is configured (it then shows at
 * /dev/mailbox). Exactly once across concurrent deliveries (hand-off + durable job, two workers): the row
 * is locked for the send (`FOR UPDATE NOWAIT`; a second delivery throws EmailBusyError and its job retries)
 * and only a `queued` row is sent. An SMTP failure is recorded on the row and thrown (the job retries).
 */
export async function deliverEmail(db: DbOrTx, emailId: string): Promise<"sent" | "recorded" | "skipped"> {
  let failure: unknown = null;
  const result = await db
    .transaction(async (tx) => {
      const [mail] = await tx.select().from(outgoingEmails).where(eq(outgoingEmails.id, emailId)).for("update", { noWait: true });
      if (!mail || mail.status !== "queued") return "skipped" as const;
      const { SMTP_URL, MAIL_FROM } = env();
      if (!SMTP_URL) {
        await tx.update(outgoingEmails).set({ status: "recorded" }).where(eq(outgoingEmails.id, emailId));
        return "recorded" as const;
      }
      try {
        await getTransport(SMTP_URL).sendMail({ from: MAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html ?? undefined });
      } catch (err) {
        failure = err;
        return "skipped" as const;
      }
      await tx.update(outgoingEmails).set({ status: "sent", sentAt: new Date(), error: null }).where(eq(outgoingEmails.id, emailId));
      return "sent" as const;
    })
    .catch((err: unknown) => {
      // 55P03 lock_not_available: another delivery of this email is running right now
      const e = err as { code?: string; cause?: { code?: string } };
      if (e.code === "55P03" || e.cause?.code === "55P03") throw new EmailBusyError(`email ${emailId} is being delivered by another job`);
      throw err;
    });
  if (failure) {
    await db
      .update(outgoingEmails)
      .set({ error: String(failure).slice(0, 500) })
      .where(eq(outgoingEmails.id, emailId));
    throw failure;
  }
  return result;
}
