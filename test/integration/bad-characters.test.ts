import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { createApiKeySchema } from "@/lib/api-keys/api-key-schema";
import { getMemberContext } from "@/lib/auth/membership";
import { resetEnvCache } from "@/lib/env";
import { getBalance } from "@/lib/ledger";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

// Strings Postgres cannot store (NUL, unpaired surrogates) are refused at the edge with 422 and never
// share a group-commit batch with valid requests, which all succeed.
let t: TestDb;
let usage: typeof import("@/app/api/v1/usage/route");
let batch: typeof import("@/app/api/v1/usage/batch/route");

beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  resetEnvCache();
  usage = await import("@/app/api/v1/usage/route");
  batch = await import("@/app/api/v1/usage/batch/route");
});
afterAll(async () => {
  const { getDbHandle } = await import("@/db/client");
  await getDbHandle().close();
  await t.drop();
});

const BAD_KEYS = ["nul\u0000key", "\u0000", "lone-high-\ud800", "lone-low-\udc00-x", "reversed-\ude00\ud83d"];

const post = (route: { POST: (r: Request) => Promise<Response> }, path: string, key: string, body: unknown) =>
  route.POST(new Request(`http://x${path}`, { method: "POST", headers: { authorization: `Bearer ${key}` }, body: JSON.stringify(body) }));

describe("bad characters → 422 at the edge; the valid requests queued with them all succeed", () => {
  it("60 valid usage events sent concurrently with bad idempotency keys: every valid one is debited", async () => {
    const org = await makeOrg(t.db, { topup: 1000 });
    const { secret } = await createApiKey(t.db, org.id, null, { name: "usage", scopes: ["usage:write"] });
    const valid = Array.from({ length: 60 }, (_, i) => post(usage, "/api/v1/usage", secret, { quantity: 1, idempotency_key: `ok-${i}` }));
    const bad = BAD_KEYS.map((k) => post(usage, "/api/v1/usage", secret, { quantity: 1, idempotency_key: k }));
    const [goodRes, badRes] = await Promise.all([Promise.all(valid), Promise.all(bad)]);
    expect(goodRes.map((r) => r.status)).toEqual(Array(60).fill(200));
    for (const r of badRes) {
      expect(r.status).toBe(422);
      const body = await r.json();
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.fields.idempotency_key).toMatch(/NUL|surrogate/);
    }
    expect((await getBalance(t.db, org.id)).total).toBe(1000 - 60);
  });

  it("a batch with one bad key is refused whole (422, events.N), nothing debited", async () => {
    const org = await makeOrg(t.db, { topup: 100 });
    const { secret } = await createApiKey(t.db, org.id, null, { name: "usage", scopes: ["usage:write"] });
    const res = await post(batch, "/api/v1/usage/batch", secret, {
      events: [
        { quantity: 1, idempotency_key: "fine" },
        { quantity: 1, idempotency_key: "bad\u0000" },
      ],
    });
    expect(res.status).toBe(422);
    expect((await res.json()).error.fields["events.1.idempotency_key"]).toMatch(/NUL/);
    expect((await getBalance(t.db, org.id)).total).toBe(100);
  });

  it("an API key name with NUL or control characters is refused by the schema the action parses first", () => {
    for (const name of ["bad\u0000name", "tab\tname", "lone\ud800"]) {
      const r = createApiKeySchema.safeParse({ name, scopes: ["usage:write"] });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual(["name"]);
    }
    expect(createApiKeySchema.safeParse({ name: "Production – EU ✓", scopes: ["usage:write"] }).success).toBe(true);
  });

  it("an org slug or user id with NUL names no org (null, no database error)", async () => {
    const org = await makeOrg(t.db);
    await expect(getMemberContext(t.db, "00000000-0000-4000-8000-000000000000", `${org.slug}\u0000`)).resolves.toBeNull();
    await expect(getMemberContext(t.db, "not-a-uuid\u0000", org.slug)).resolves.toBeNull();
  });
});
