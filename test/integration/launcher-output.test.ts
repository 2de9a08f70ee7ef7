import { afterEach, describe, expect, it, vi } from "vitest";
import { spawnUntilReady } from "@/scripts/lib/processes";

// The launcher forwards its children's output (the emulator announces its webhook secret): secrets are
// redacted on the way, and the emulator gets its secret by environment, not on the command line.
describe("the launcher's forwarded child output", () => {
  afterEach(() => vi.restoreAllMocks());

  it("never prints a webhook secret or a secret key a child prints", async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const script = [
      "console.log('stripe-emulator webhooks → http://127.0.0.1:3000/api/webhooks/stripe (secret ' + process.env.STRIPE_EMULATOR_WEBHOOK_SECRET + ')');",
      "console.error('key sk_live_51Hsecretvalue');",
      "setTimeout(() => console.log('stripe-emulator listening on http://127.0.0.1:1'), 50);",
      "setTimeout(() => {}, 5000);",
    ].join("\n");
    const child = await spawnUntilReady("fake-emulator", process.execPath, ["-e", script], {
      env: { ...process.env, STRIPE_EMULATOR_WEBHOOK_SECRET: "whsec_verysecret123" },
      ready: /listening on/,
      timeoutMs: 10_000,
    });
    child.kill("SIGTERM");
    vi.restoreAllMocks();
    const out = written.join("");
    expect(out).toContain("[fake-emulator] stripe-emulator listening on");
    expect(out).toContain("whsec_[redacted]");
    expect(out).not.toContain("verysecret123");
    expect(out).not.toContain("51Hsecretvalue");
  });
});
