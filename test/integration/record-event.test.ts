import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordEvent } from "@/lib/events/record-event";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

/** The outbox: an event is written in its cause's transaction, once per dedupe key. */
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

describe("recordEvent", () => {
  it("rolls back with its cause and is recorded once per dedupe key", async () => {
    const org = await makeOrg(t.db);
    await expect(
      t.db.transaction(async (tx) => {
        await recordEvent(tx, { orgId: org.id, type: "balance.low", data: { balance: 5 }, dedupeKey: "k1" });
        throw new Error("crash before commit");
      }),
    ).rejects.toThrow("crash before commit");
    expect(await t.sql`SELECT 1 FROM outgoing_events WHERE org_id = ${org.id}`).toHaveLength(0);

    const first = await recordEvent(t.db, { orgId: org.id, type: "balance.low", data: { balance: 5 }, dedupeKey: "k1" });
    const again = await recordEvent(t.db, { orgId: org.id, type: "balance.low", data: { balance: 4 }, dedupeKey: "k1" });
    expect(first.created).toBe(true);
    expect(again).toEqual({ event: first.event, created: false });
    expect(first.event).toMatchObject({ id: expect.stringMatching(/^evt_[0-9a-f]{24}$/), type: "balance.low", org_id: org.id, data: { balance: 5 } });
  });
});
