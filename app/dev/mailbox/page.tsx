import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { currentUserId } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { listRecordedMail } from "@/lib/notifications/list-mail";

export const metadata: Metadata = { title: "Mailbox (development)" };
export const dynamic = "force-dynamic";

/**
 * The local mailbox: without SMTP_URL, billing emails are only recorded in the database and shown here.
 * Signed-in users see the mail sent to them; in development, all recorded mail.
 */
export default async function MailboxPage() {
  const userId = await currentUserId();
  if (!userId) redirect("/sign-in?callbackUrl=/dev/mailbox");
  const db = getDb();
  const [me] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  const all = env().NODE_ENV === "development";
  const mail = await listRecordedMail(db, { to: all ? undefined : me?.email });
  return (
    <main className="mx-auto max-w-3xl p-6">
      <h1 className="text-2xl font-semibold">Mailbox</h1>
      <p className="mt-1 text-sm text-gray-600">
        {env().SMTP_URL ? "SMTP is configured: these emails were also sent." : "No SMTP configured: billing emails are recorded here instead of being sent."}{" "}
        {all ? "Showing all recorded mail (development)." : `Showing mail sent to ${me?.email}.`}
      </p>
      {mail.length === 0 ? (
        <p className="mt-6 text-gray-600">No mail yet.</p>
      ) : (
        <ul className="mt-6 space-y-4">
          {mail.map((m) => (
            <li key={m.id} className="rounded border border-gray-200 p-4">
              <div className="flex flex-wrap justify-between gap-2 text-sm text-gray-600">
                <span>To: {m.to}</span>
                <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleString("en-US", { timeZone: "UTC" })} UTC</time>
              </div>
              <h2 className="mt-1 font-medium">{m.subject}</h2>
              {m.html ? (
                <>
                  <iframe
                    title={`HTML part: ${m.subject}`}
                    sandbox=""
                    srcDoc={m.html}
                    className="mt-2 h-[520px] w-full rounded border border-gray-200 bg-white"
                  />
                  <details className="mt-2 text-sm">
                    <summary className="cursor-pointer text-gray-600">Plain-text part</summary>
                    <pre className="mt-2 whitespace-pre-wrap font-sans">{m.text}</pre>
                  </details>
                </>
              ) : (
                <pre className="mt-2 whitespace-pre-wrap font-sans text-sm">{m.text}</pre>
              )}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
