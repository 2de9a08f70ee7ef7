import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { resetEnvCache } from "@/lib/env";
import { listLedgerEntries } from "@/lib/queries/ledger-history";
import { parseLedgerCursor } from "@/lib/validation/ids";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

// Ids and cursors are parsed before they reach a query: malformed → 422 / "nothing there", never a 500.
let t: TestDb;
let key: string;
let orgId: string;
let history: typeof import("@/app/api/v1/billing/auto-topup/history/route");

beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  resetEnvCache();
  const org = await makeOrg(t.db, { topup: 5 });
  orgId = org.id;
  key = (await createApiKey(t.db, org.id, null, { name: "ro", scopes: ["billing:read"] })).secret;
  history = await import("@/app/api/v1/billing/auto-topup/history/route");
});
afterAll(async () => {
  const { getDbHandle } = await import("@/db/client");
  await getDbHandle().close();
  await t.drop();
});

const get = (query: string) => history.GET(new Request(`http://x/api/v1/billing/auto-topup/history${query}`, { headers: { authorization: `Bearer ${key}` } }));

describe("GET /api/v1/billing/auto-topup/history with malformed cursors", () => {
  it.each([["------------------------------------"], ["0123456789abcdef0123456789abcdef0123"], ["3f2b8c1e-9d4a-4b6e-8f1a-2c3d4e5f6a7b%00"]])(
    "starting_after=%s → 422 on starting_after",
    async (after) => {
      const res = await get(`?starting_after=${after}`);
      expect(res.status).toBe(422);
      expect((await res.json()).error).toMatchObject({ code: "invalid_request", fields: { starting_after: expect.any(String) } });
    },
  );

  it.each(["0", "101", "1e2", "-1", "abc", "99999999999999999999"])("limit=%s → 422 on limit", async (limit) => {
    const res = await get(`?limit=${limit}`);
    expect(res.status).toBe(422);
    expect((await res.json()).error.fields.limit).toBeDefined();
  });

  it("a well-formed id of no charge is an empty page, not an error", async () => {
    const res = await get("?starting_after=3f2b8c1e-9d4a-4b6e-8f1a-2c3d4e5f6a7b&limit=5");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ charges: [], has_more: false });
  });
});

describe("the Billing page's ledger cursor (?before=)", () => {
  it("2^63 parses to no cursor, and the first page loads", async () => {
    const before = parseLedgerCursor(String(2n ** 63n));
    expect(before).toBeNull();
    const page = await listLedgerEntries(t.db, orgId, { before });
    expect(page.entries.length).toBeGreaterThan(0);
  });

  it("the largest accepted cursor is a valid bigint for Postgres", async () => {
    const page = await listLedgerEntries(t.db, orgId, { before: parseLedgerCursor(String(Number.MAX_SAFE_INTEGER)) });
    expect(page.entries.length).toBeGreaterThan(0);
  });
});
