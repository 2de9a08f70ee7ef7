import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCredentials } from "@/lib/auth/credentials";
import { clientIp, createSignInThrottle } from "@/lib/auth/sign-in-throttle";
import { createUser } from "@/lib/orgs/create-user";
import { createTestDb, type TestDb } from "../support/test-db";

// Sign-in through the function Auth.js's authorize() calls (lib/auth/credentials), on the real
// rate_limits table: failures are throttled per account and per IP, and unknown emails cost bcrypt too.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

let n = 0;
const email = () => `throttle-${++n}-${Date.now()}@example.test`;

describe("sign-in throttling", () => {
  it("after 10 wrong passwords the right one is refused too (throttled), and another account is unaffected", async () => {
    const throttle = createSignInThrottle(t.sql, { perAccount: 10, perIp: 1000, windowSeconds: 900 });
    const victim = await createUser(t.db, { email: email(), password: "right-password" });
    const bystander = await createUser(t.db, { email: email(), password: "right-password" });
    for (let i = 0; i < 10; i++) {
      expect(await checkCredentials(t.db, throttle, { email: victim.email, password: `wrong-${i}`, ip: "198.51.100.7" })).toEqual({
        ok: false,
        reason: "invalid",
      });
    }
    const locked = await checkCredentials(t.db, throttle, { email: victim.email, password: "right-password", ip: "198.51.100.7" });
    expect(locked).toMatchObject({ ok: false, reason: "throttled" });
    expect((locked as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(800);
    expect(await checkCredentials(t.db, throttle, { email: bystander.email, password: "right-password", ip: "198.51.100.7" })).toMatchObject({ ok: true });
  });

  it("the limit holds across processes: a second throttle on the same table sees the count", async () => {
    const limits = { perAccount: 3, perIp: 1000, windowSeconds: 900 };
    const a = createSignInThrottle(t.sql, limits);
    const b = createSignInThrottle(t.sql, limits);
    const u = await createUser(t.db, { email: email(), password: "right-password" });
    for (let i = 0; i < 3; i++) await checkCredentials(t.db, i % 2 ? a : b, { email: u.email, password: "nope", ip: null });
    expect(await checkCredentials(t.db, a, { email: u.email, password: "right-password", ip: null })).toMatchObject({ reason: "throttled" });
  });

  it("per IP: one address guessing many accounts is stopped", async () => {
    const throttle = createSignInThrottle(t.sql, { perAccount: 100, perIp: 5, windowSeconds: 900 });
    for (let i = 0; i < 5; i++) await checkCredentials(t.db, throttle, { email: email(), password: "guess", ip: "203.0.113.9" });
    const u = await createUser(t.db, { email: email(), password: "right-password" });
    expect(await checkCredentials(t.db, throttle, { email: u.email, password: "right-password", ip: "203.0.113.9" })).toMatchObject({ reason: "throttled" });
    expect(await checkCredentials(t.db, throttle, { email: u.email, password: "right-password", ip: "203.0.113.10" })).toMatchObject({ ok: true });
  });

  it("a success clears the account's failures", async () => {
    const throttle = createSignInThrottle(t.sql, { perAccount: 3, perIp: 1000, windowSeconds: 900 });
    const u = await createUser(t.db, { email: email(), password: "right-password" });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) await checkCredentials(t.db, throttle, { email: u.email, password: "nope", ip: null });
      expect(await checkCredentials(t.db, throttle, { email: u.email, password: "right-password", ip: null })).toMatchObject({ ok: true });
    }
  });

  it("an unknown email costs about as much as a known one (bcrypt runs against a dummy hash)", async () => {
    const throttle = createSignInThrottle(t.sql, { perAccount: 1000, perIp: 1000, windowSeconds: 900 });
    const u = await createUser(t.db, { email: email(), password: "right-password" });
    await checkCredentials(t.db, throttle, { email: "warm-up@example.test", password: "x", ip: null }); // the dummy hash is made once
    const time = async (e: string) => {
      const started = performance.now();
      await checkCredentials(t.db, throttle, { email: e, password: "wrong-password", ip: null });
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(await time(u.email));
      unknown.push(await time(`nobody-${i}@example.test`));
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    // bcrypt (cost 10) is tens of milliseconds; skipping it would make unknown emails several times faster
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
    expect(median(unknown)).toBeGreaterThan(15);
  });
});

describe("clientIp", () => {
  it("takes the last X-Forwarded-For hop (the one our side appended), else X-Real-IP", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "1.1.1.1, 10.0.0.2" }))).toBe("10.0.0.2");
    expect(clientIp(new Headers({ "x-real-ip": "192.0.2.1" }))).toBe("192.0.2.1");
    expect(clientIp(new Headers())).toBeNull();
  });
});
