import { afterEach, describe, expect, it, vi } from "vitest";
import { appNow, clockOffsetMs, setClockOffsetMs } from "./clock";

afterEach(() => {
  vi.unstubAllEnvs();
  setClockOffsetMs(0);
});

describe("appNow", () => {
  it("is the wall clock until a test moves it, then runs on from there", () => {
    expect(Math.abs(appNow().getTime() - Date.now())).toBeLessThan(50);
    setClockOffsetMs(Date.parse("2027-01-31T23:59:50Z") - Date.now());
    expect(appNow().toISOString().slice(0, 16)).toBe("2027-01-31T23:59");
    expect(clockOffsetMs()).toBeGreaterThan(0);
  });

  it("cannot be moved in production", () => {
    vi.stubEnv("NODE_ENV", "production");
    expect(() => setClockOffsetMs(1000)).toThrow(/production/);
    expect(clockOffsetMs()).toBe(0);
  });
});
