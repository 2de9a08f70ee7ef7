import { afterAll, beforeAll, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { createApiKey, revokeApiKey } from "@/lib/api-keys/manage-api-keys";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

// The API key lookup is cached in-process for 5 s; a revocation in this process must take effect at once.
let t: TestDb;
let auth: typeof import("@/lib/api/api-key-auth");
beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  resetEnvCache();
  auth = await import("@/lib/api/api-key-auth");
});
afterAll(async () => {
  const { getDbHandle } = await import("@/db/client");
  await getDbHandle().close();
  await t.drop();
});

it("a cached key that is revoked is refused on the next call; other keys keep working", async () => {
  const org = await makeOrg(t.db);
  const a = await createApiKey(t.db, org.id, null, { name: "a", scopes: ["usage:write"] });
  const b = await createApiKey(t.db, org.id, null, { name: "b", scopes: ["usage:write"] });
  for (const k of [a, b]) expect(await auth.authorizeApiKey(`Bearer ${k.secret}`, ["usage:write"])).toMatchObject({ ok: true, keyId: k.id });
  expect(await revokeApiKey(t.db, org.id, a.id)).toBe(true);
  const refused = await auth.authorizeApiKey(`Bearer ${a.secret}`, ["usage:write"]);
  expect(refused).toMatchObject({ ok: false, reply: { status: 401 } });
  expect(await auth.authorizeApiKey(`Bearer ${b.secret}`, ["usage:write"])).toMatchObject({ ok: true, keyId: b.id });
});

it("300 concurrent first calls with 300 keys (and unknown ones) each get their own key's org, read in batches", async () => {
  const orgs = await Promise.all(Array.from({ length: 30 }, () => makeOrg(t.db)));
  const keys = await Promise.all(
    Array.from({ length: 300 }, (_, i) =>
      createApiKey(t.db, orgs[i % 30]!.id, null, { name: `k${i}`, scopes: ["usage:write"] }).then((k) => ({ ...k, orgId: orgs[i % 30]!.id })),
    ),
  );
  const answers = await Promise.all(keys.map((k) => auth.authorizeApiKey(`Bearer ${k.secret}`, ["usage:write"])));
  answers.forEach((a, i) => expect(a).toMatchObject({ ok: true, keyId: keys[i]!.id, orgId: keys[i]!.orgId }));
  const unknown = await Promise.all(Array.from({ length: 20 }, (_, i) => auth.authorizeApiKey(`Bearer rfk_test_unknown_${i}`, ["usage:write"])));
  for (const u of unknown) expect(u).toMatchObject({ ok: false, reply: { status: 401 } });
});

it("refresh-ahead: a key in use is read again with another key's lookup before its cache entry ends (a revocation elsewhere is seen sooner)", async () => {
  const { API_KEY_CACHE_TTL_MS } = await import("@/lib/api-keys/api-key-cache");
  const { REFRESH_AHEAD_MS } = await import("@/lib/cache/refresh-ahead");
  const org = await makeOrg(t.db);
  const [a, b] = await Promise.all(["a", "b"].map((name) => createApiKey(t.db, org.id, null, { name, scopes: ["usage:write"] })));
  const cachedAt = Date.now();
  expect(await auth.authorizeApiKey(`Bearer ${a!.secret}`, ["usage:write"])).toMatchObject({ ok: true }); // cached
  expect(await auth.authorizeApiKey(`Bearer ${a!.secret}`, ["usage:write"])).toMatchObject({ ok: true }); // in use
  // revoked by another process (no cache of this one cleared)
  await t.sql`UPDATE api_keys SET revoked_at = now() WHERE id = ${a!.id}`;
  // wait (the clock, not an outcome) until a's entry is within the refresh-ahead horizon, still well before it ends
  const within = cachedAt + API_KEY_CACHE_TTL_MS - REFRESH_AHEAD_MS + 300;
  await new Promise((r) => setTimeout(r, Math.max(0, within - Date.now())));
  expect(Date.now()).toBeLessThan(cachedAt + API_KEY_CACHE_TTL_MS - 500);
  expect(await auth.authorizeApiKey(`Bearer ${b!.secret}`, ["usage:write"])).toMatchObject({ ok: true }); // b's lookup reads a along
  expect(await auth.authorizeApiKey(`Bearer ${a!.secret}`, ["usage:write"])).toMatchObject({ ok: false, reply: { status: 401 } });
});

it("last used: 60 keys used at once each get their last_used_at (written together, off the request path)", async () => {
  const org = await makeOrg(t.db);
  const keys = await Promise.all(Array.from({ length: 60 }, (_, i) => createApiKey(t.db, org.id, null, { name: `u${i}`, scopes: ["usage:write"] })));
  const before = new Date(Date.now() - 1000);
  await Promise.all(keys.map((k) => auth.authorizeApiKey(`Bearer ${k.secret}`, ["usage:write"])));
  const unset = async () =>
    (
      await t.sql`SELECT count(*)::int AS n FROM api_keys WHERE org_id = ${org.id} AND (last_used_at IS NULL OR last_used_at < ${before.toISOString()}::timestamptz)`
    )[0]!.n;
  const deadline = Date.now() + 10_000;
  while ((await unset()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(await unset()).toBe(0);
});
