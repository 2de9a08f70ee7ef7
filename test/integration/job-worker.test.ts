import { afterAll, beforeAll, expect, it } from "vitest";
import PgBoss from "pg-boss";
import { startJobWorker } from "@/lib/jobs/worker";
import { createHold } from "@/lib/ledger/holds";
import { debitCredits, getBalance } from "@/lib/ledger";
import { maybeTriggerRecharge } from "@/lib/recharge/trigger";
import { makeBillingOrg } from "../support/billing-factories";
import { eventually, startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { createTestDb, type TestDb } from "../support/test-db";

let t: TestDb;
let h: BillingHarness;
let worker: { stop: () => Promise<void> } | undefined;
beforeAll(async () => {
  t = await createTestDb();
  h = await startBillingHarness(t.db);
});
afterAll(async () => {
  await worker?.stop();
  await h?.stop();
  await t?.drop();
});

it("through pg-boss: a debit below the threshold queues the charge; the worker charges, credits and records the email", async () => {
  const { org } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 1 } });
  worker = await startJobWorker({ db: t.db, connectionString: t.url, pollingIntervalSeconds: 0.5 });
  const total = (await getBalance(t.db, org.id)).total;
  await t.sql`UPDATE auto_recharge_settings SET threshold = ${total} WHERE org_id = ${org.id}`;
  await debitCredits(t.db, org.id, [{ quantity: 1 }]);
  const started = Date.now();
  const r = await maybeTriggerRecharge(t.db, org.id);
  expect(r.created).toBe(true);
  expect(Date.now() - started).toBeLessThan(2000); // the request does not wait for Stripe
  await eventually(
    async () => (await t.sql`SELECT status FROM recharge_attempts WHERE org_id = ${org.id}`)[0]?.status === "succeeded",
    20_000,
    "charge by the worker",
  );
  expect((await getBalance(t.db, org.id)).total).toBe(total - 1 + 1000);
  await eventually(
    async () => (await t.sql`SELECT status FROM outgoing_emails WHERE org_id = ${org.id} AND kind = 'recharge_succeeded'`)[0]?.status === "recorded",
    20_000,
    "email job",
  );
});

it("through pg-boss: the holds.expire job releases a hold past its expiry (scheduled every minute by the worker)", async () => {
  const { org } = await makeBillingOrg(t.db, { planId: "free", card: null, topup: 100 });
  const before = await getBalance(t.db, org.id);
  const created = await createHold(t.db, { orgId: org.id, quantity: 10, expiresInSeconds: 1 });
  expect(created.ok).toBe(true);
  expect((await getBalance(t.db, org.id)).heldCredits).toBe(10);
  const boss = new PgBoss({ connectionString: t.url });
  await boss.start();
  worker ??= await startJobWorker({ db: t.db, connectionString: t.url, pollingIntervalSeconds: 0.5 });
  await eventually(
    async () => {
      await boss.send("holds.expire", {});
      return (await getBalance(t.db, org.id)).heldCredits === 0;
    },
    20_000,
    "the hold expired by the job",
  );
  await boss.stop({ graceful: false });
  expect((await getBalance(t.db, org.id)).total).toBe(before.total);
  expect((await t.sql`SELECT status FROM credit_holds WHERE org_id = ${org.id}`)[0]?.status).toBe("expired");
});
