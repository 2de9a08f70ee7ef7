import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { currentUserId } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { emailPreviews } from "@/lib/notifications/template-previews";

export const metadata: Metadata = { title: "Email templates (development)" };
export const dynamic = "force-dynamic";

/**
 * Every billing email template rendered with sample props (HTML in a sandboxed frame + the plain-text part).
 * Development only: a production server answers 404. Signed-in users only, like /dev/mailbox.
 */
export default async function EmailPreviewsPage() {
  if (env().NODE_ENV === "production") notFound();
  const userId = await currentUserId();
  if (!userId) redirect("/sign-in?callbackUrl=/dev/emails");
  const previews = await Promise.all(emailPreviews(env().APP_URL).map(async (p) => ({ kind: p.kind, content: await p.render() })));
  return (
    <main className="mx-auto max-w-3xl p-6">
      <h1 className="text-2xl font-semibold">Email templates</h1>
      <p className="mt-1 text-sm text-gray-600">
        Each kind rendered with sample props (lib/notifications/template-previews.ts); the components are in lib/notifications/templates/.
      </p>
      <nav aria-label="Templates" className="mt-4 flex flex-wrap gap-2 text-sm">
        {previews.map((p) => (
          <a key={p.kind} href={`#${p.kind}`} className="rounded border border-gray-200 px-2 py-1 text-blue-700 hover:bg-gray-50">
            {p.kind}
          </a>
        ))}
      </nav>
      <ul className="mt-6 space-y-8">
        {previews.map(({ kind, content }) => (
          <li key={kind} id={kind} className="rounded border border-gray-200 p-4">
            <p className="font-mono text-xs text-gray-500">{kind}</p>
            <h2 className="mt-1 font-medium">{content.subject}</h2>
            <iframe title={`HTML part: ${kind}`} sandbox="" srcDoc={content.html} className="mt-2 h-[520px] w-full rounded border border-gray-200 bg-white" />
            <details className="mt-2 text-sm">
              <summary className="cursor-pointer text-gray-600">Plain-text part</summary>
              <pre className="mt-2 whitespace-pre-wrap font-sans">{content.text}</pre>
            </details>
          </li>
        ))}
      </ul>
    </main>
  );
}
