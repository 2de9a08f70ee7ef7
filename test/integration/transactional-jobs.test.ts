import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueJob, setJobSender, type JobSender } from "@/lib/jobs/queue";
import { createJobSender, startJobWorker } from "@/lib/jobs/worker";
import { debitCredits, getBalance } from "@/lib/ledger";
import { createRechargeAttempt } from "@/lib/recharge/attempts";
import { CHARGE_JOB_DELAY_SECONDS, maybeTriggerRecharge } from "@/lib/recharge/trigger";
import { makeBillingOrg } from "../support/billing-factories";
import { eventually, startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { createTestDb, type TestDb } from "../support/test-db";

/**
 * The charge job is written in the attempt's own transaction (pg-boss `send` on our connection), so no
 * instant exists at which an attempt is committed without its job: a process that dies right after the
 * commit (before the in-process hand-off) leaves a job that any worker picks up.
 */
let t: TestDb;
let h: BillingHarness;
let boss: JobSender & { stop: () => Promise<void> }; // a real pg-boss on the test database (creates the pgboss schema)
beforeAll(async () => {
  t = await createTestDb();
  h = await startBillingHarness(t.db);
  boss = await createJobSender(t.url, t.db);
});
afterAll(async () => {
  setJobSender(null);
  await boss?.stop();
  await h?.stop();
  await t?.drop();
});

const jobsFor = (attemptId: string) => t.sql`SELECT name, state, start_after > now() AS delayed FROM pgboss.job WHERE data->>'attemptId' = ${attemptId}`;
const attemptsOf = (orgId: string) => t.sql`SELECT id, status FROM recharge_attempts WHERE org_id = ${orgId}`;

/** An org whose next trigger creates an attempt (threshold above the balance). */
async function orgBelowThreshold() {
  const { org } = await makeBillingOrg(t.db, { autoRecharge: { threshold: 1 } });
  const total = (await getBalance(t.db, org.id)).total;
  await t.sql`UPDATE auto_recharge_settings SET threshold = ${total} WHERE org_id = ${org.id}`;
  await debitCredits(t.db, org.id, [{ quantity: 1 }]);
  return org;
}

describe("the job row lives in the caller's transaction", () => {
  it("Drizzle transaction: rolled back → neither attempt nor job; committed → both", async () => {
    setJobSender(boss);
    const { org } = await makeBillingOrg(t.db, {});
    let rolledBackId = "";
    await expect(
      t.db.transaction(async (tx) => {
        const a = await createRechargeAttempt(tx, { orgId: org.id, trigger: "manual", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" });
        rolledBackId = a!.id;
        await enqueueJob("recharge.charge", { attemptId: a!.id }, { tx, startAfterSeconds: 60 });
        expect(await tx.execute(`SELECT 1 FROM pgboss.job WHERE data->>'attemptId' = '${a!.id}'`)).toHaveLength(1); // visible inside
        expect(await jobsFor(a!.id)).toHaveLength(0); // …and invisible outside until commit
        throw new Error("crash before commit");
      }),
    ).rejects.toThrow("crash before commit");
    expect(await attemptsOf(org.id)).toHaveLength(0);
    expect(await jobsFor(rolledBackId)).toHaveLength(0);

    const committed = await t.db.transaction(async (tx) => {
      const a = await createRechargeAttempt(tx, { orgId: org.id, trigger: "manual", packs: 1, credits: 1000, amountCents: 2000, currency: "usd" });
      await enqueueJob("recharge.charge", { attemptId: a!.id }, { tx, startAfterSeconds: 60 });
      return a!;
    });
    expect(await attemptsOf(org.id)).toHaveLength(1);
    expect(await jobsFor(committed.id)).toEqual([{ name: "recharge.charge", state: "created", delayed: true }]);
    await t.sql`DELETE FROM pgboss.job WHERE data->>'attemptId' = ${committed.id}`; // not for a worker of a later test
  });

  it("postgres.js TransactionSql works the same way", async () => {
    setJobSender(boss);
    const id = "00000000-0000-4000-8000-000000000001";
    await expect(
      t.sql.begin(async (sql) => {
        await enqueueJob("recharge.charge", { attemptId: id }, { tx: sql, startAfterSeconds: 60 });
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(await jobsFor(id)).toHaveLength(0);
    await t.sql.begin((sql) => enqueueJob("recharge.charge", { attemptId: id }, { tx: sql, startAfterSeconds: 60 }));
    expect(await jobsFor(id)).toHaveLength(1);
    await t.sql`DELETE FROM pgboss.job WHERE data->>'attemptId' = ${id}`;
  });

  it("the trigger: a failure writing the job rolls the attempt back; a commit leaves both, the job delayed behind the hand-off", async () => {
    const org = await orgBelowThreshold();
    setJobSender({
      send: async (name, data, opts) => {
        await boss.send(name, data, opts); // the row is written in the trigger's transaction…
        throw new Error("connection lost after the job insert"); // …which then fails
      },
      handOff: async () => {},
    });
    await expect(maybeTriggerRecharge(t.db, org.id)).rejects.toThrow("connection lost");
    expect(await attemptsOf(org.id)).toHaveLength(0);
    expect(await t.sql`SELECT 1 FROM pgboss.job WHERE name = 'recharge.charge' AND data->>'attemptId' IS NOT NULL`).toHaveLength(0);

    const handedOff: string[] = [];
    setJobSender({ send: boss.send, handOff: async (_db, _name, data) => void handedOff.push(String(data.attemptId)) });
    const r = await maybeTriggerRecharge(t.db, org.id);
    if (!r.created) throw new Error(`no attempt: ${r.reason}`);
    expect(await jobsFor(r.attempt.id)).toEqual([{ name: "recharge.charge", state: "created", delayed: true }]);
    expect(handedOff).toEqual([r.attempt.id]); // handed off only after the commit
    await t.sql`DELETE FROM pgboss.job WHERE data->>'attemptId' = ${r.attempt.id}`;
  });
});

it("a crash between commit and hand-off → a worker started afterwards charges it within seconds", async () => {
  const org = await orgBelowThreshold();
  const before = (await getBalance(t.db, org.id)).total;
  // the process that created the attempt "dies" right after the commit: the in-process hand-off never runs
  setJobSender({ send: boss.send, handOff: async () => {} });
  const r = await maybeTriggerRecharge(t.db, org.id);
  if (!r.created) throw new Error(`no attempt: ${r.reason}`);
  expect((await attemptsOf(org.id))[0]!.status).toBe("pending");
  setJobSender(null);

  // "restart": a fresh worker on the same database
  const restartedAt = Date.now();
  const worker = await startJobWorker({ db: t.db, connectionString: t.url });
  try {
    await eventually(
      async () => (await t.sql`SELECT status FROM recharge_attempts WHERE id = ${r.attempt.id}`)[0]?.status === "succeeded",
      (CHARGE_JOB_DELAY_SECONDS + 10) * 1000,
      "the orphan-free job to charge the attempt",
    );
  } finally {
    await worker.stop();
  }
  const tookMs = Date.now() - restartedAt;
  console.info(`[transactional-jobs] charged ${tookMs} ms after the restart (job delay ${CHARGE_JOB_DELAY_SECONDS} s)`);
  expect((await getBalance(t.db, org.id)).total).toBe(before + 1000);
}, 60_000);
