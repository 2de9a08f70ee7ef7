"use server";

import { getDb } from "@/db/client";
import { memberAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { env } from "@/lib/env";
import { enqueueEmails, recordEmail } from "@/lib/notifications/emails";
import { topUpRequestEmail } from "@/lib/notifications/templates";
import { billingPath } from "./paths";

const run = memberAction(null, async ({ ctx: { org, user }, orgSlug }): Promise<ActionResult> => {
  const bucket = Math.floor(Date.now() / 600_000);
  const ids = await recordEmail(getDb(), {
    orgId: org.id,
    kind: "top_up_request",
    content: await topUpRequestEmail({ orgName: org.name, requesterEmail: user.email, note: null, billingUrl: `${env().APP_URL}${billingPath(orgSlug)}` }),
    dedupeKey: `top_up_request:${user.id}:${bucket}`,
  });
  await enqueueEmails(ids);
  return { ok: true, message: "We emailed the owners of this organization." };
});

/** Any member (editors above all): emails the owners asking for a top-up, at most once per 10 minutes per requester. */
export async function requestTopUpAction(orgSlug: string): Promise<ActionResult> {
  return run(orgSlug);
}
