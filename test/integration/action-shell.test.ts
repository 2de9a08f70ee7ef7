import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { revokeSessions, verifySessionClaim } from "@/lib/auth/session-version";
import { resetEnvCache } from "@/lib/env";
import { createOrganization } from "@/lib/orgs/create-organization";
import { createUser } from "@/lib/orgs/create-user";
import { createTestDb, type TestDb } from "../support/test-db";

// The server-action shell (lib/actions/define-action; ./action-shell binds it to the session cookie): the
// member and role come from the database on every call, the input is parsed before anything runs, and
// every refusal is a typed ActionResult. Here the "session" is a user id, checked like the cookie's claim.
let t: TestDb;
let shell: typeof import("@/lib/actions/define-action");
const ids = { owner: "", editor: "", stranger: "" };
let slug = "";

beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url; // the shell reads memberships through the app's pool
  resetEnvCache();
  shell = await import("@/lib/actions/define-action");
  for (const who of ["owner", "editor", "stranger"] as const) {
    ids[who] = (await createUser(t.db, { email: `${who}-${Date.now()}@example.test`, password: "pw-123456789" })).id;
  }
  slug = `acts-${Date.now().toString(36)}`;
  await createOrganization(t.db, {
    name: "Acts",
    slug,
    members: [
      { userId: ids.owner, role: "owner" },
      { userId: ids.editor, role: "editor" },
    ],
  });
});
afterAll(async () => {
  const { getDbHandle } = await import("@/db/client");
  await getDbHandle().close();
  await t.drop();
});

/** The shell as the user `who` is signed in (null: signed out); the claim is verified like a cookie's. */
const as = (who: keyof typeof ids | null) => shell.actionShell(async () => (who ? verifySessionClaim(t.db, { userId: ids[who] }) : null));

describe("ownerAction / memberAction", () => {
  const schema = z.object({ packs: z.number().int().min(1, "Choose at least 1 pack") });

  it("runs for the owner with the parsed input and the member context", async () => {
    let ran: unknown = null;
    const act = as("owner").ownerAction(schema, async ({ ctx, input, orgSlug }) => {
      ran = { role: ctx.role, input, orgSlug };
      return { ok: true, message: "done" };
    });
    expect(await act(slug, { packs: 2 })).toEqual({ ok: true, message: "done" });
    expect(ran).toEqual({ role: "owner", input: { packs: 2 }, orgSlug: slug });
  });

  it("refuses before the domain function runs: signed out, not a member, editor, invalid input", async () => {
    let runs = 0;
    const fn = async () => {
      runs++;
      return { ok: true as const };
    };
    const denied = "Only the organization owner can buy credits.";
    expect(await as(null).ownerAction(schema, fn, { denied })(slug, { packs: 1 })).toMatchObject({ ok: false, code: "unauthenticated" });
    expect(await as("stranger").ownerAction(schema, fn, { denied })(slug, { packs: 1 })).toMatchObject({ ok: false, code: "not_found" });
    expect(await as("owner").ownerAction(schema, fn, { denied })("no-such-org", { packs: 1 })).toMatchObject({ ok: false, code: "not_found" });
    expect(await as("editor").ownerAction(schema, fn, { denied })(slug, { packs: 1 })).toEqual({ ok: false, code: "forbidden", message: denied });
    expect(
      await as("owner").ownerAction(schema, fn, { invalid: { code: "validation_error", message: "Choose between 1 and 100 packs." } })(slug, { packs: 0 }),
    ).toEqual({
      ok: false,
      code: "validation_error",
      message: "Choose between 1 and 100 packs.",
      fieldErrors: { packs: ["Choose at least 1 pack"] },
    });
    expect(runs).toBe(0);
  });

  it("memberAction lets an editor in; a schema can depend on the member; no schema means no input", async () => {
    const byPlan = as("editor").memberAction(
      ({ org }) => z.literal(org.plan),
      async ({ input }) => ({ ok: true, plan: input }),
    );
    expect(await byPlan(slug, "free")).toEqual({ ok: true, plan: "free" });
    expect(await byPlan(slug, "pro")).toMatchObject({ ok: false, code: "validation_error", fieldErrors: { body: [expect.any(String)] } });
    const noInput = as("editor").memberAction(null, async ({ input }) => ({ ok: true, input: input ?? "none" }));
    expect(await noInput(slug, "ignored")).toEqual({ ok: true, input: "none" });
  });

  it("a revoked session is signed out for the shell", async () => {
    await revokeSessions(t.db, ids.editor);
    const act = shell
      .actionShell(async () => verifySessionClaim(t.db, { userId: ids.editor, sessionVersion: 0 }))
      .memberAction(null, async () => ({ ok: true }));
    expect(await act(slug)).toMatchObject({ ok: false, code: "unauthenticated" });
  });
});
