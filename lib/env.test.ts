import { afterEach, describe, expect, it } from "vitest";
import { env, resetEnvCache } from "./env";

const saved = { PORT: process.env.PORT, APP_URL: process.env.APP_URL };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
});

function withEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
  return env();
}

describe("APP_URL", () => {
  it("defaults to http://localhost:$PORT", () => {
    expect(withEnv({ PORT: "3100", APP_URL: undefined }).APP_URL).toBe("http://localhost:3100");
    expect(withEnv({ PORT: undefined, APP_URL: undefined }).APP_URL).toBe("http://localhost:3000");
  });

  it("an explicit APP_URL wins, without a trailing slash", () => {
    expect(withEnv({ PORT: "3100", APP_URL: "https://billing.example.com/" }).APP_URL).toBe("https://billing.example.com");
  });

  it("the rate-limit settings have generous defaults", () => {
    const e = withEnv({});
    expect(e.USAGE_RATE_LIMIT_PER_SECOND).toBe(10_000);
    expect(e.SIGN_IN_MAX_FAILURES_PER_ACCOUNT).toBe(10);
    expect(e.PAYMENT_RATE_LIMIT_PER_HOUR).toBe(30);
  });
});
