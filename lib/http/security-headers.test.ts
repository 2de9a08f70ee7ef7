import { describe, expect, it } from "vitest";
import nextConfig, { CONTENT_SECURITY_POLICY } from "@/next.config";

// next.config.ts's headers(): what every response carries (e2e/security.spec.ts checks a real response).
describe("security headers (next.config.ts)", () => {
  it("apply to every path", async () => {
    const rules = await nextConfig.headers!();
    expect(rules).toHaveLength(1);
    expect(rules[0]!.source).toBe("/:path*");
    const headers = Object.fromEntries(rules[0]!.headers.map((h) => [h.key.toLowerCase(), h.value]));
    expect(headers).toMatchObject({
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "x-frame-options": "DENY",
    });
    expect(headers["permissions-policy"]).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\).*payment=\(\)/);
    expect(headers["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
  });

  it("the CSP forbids framing, plugins, foreign scripts, foreign connections and foreign form targets", () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
    expect(directives.get("base-uri")).toEqual(["'self'"]);
    expect(directives.get("form-action")).toEqual(["'self'"]);
    expect(directives.get("default-src")).toEqual(["'self'"]);
    for (const d of ["script-src", "connect-src", "img-src", "style-src"]) {
      for (const source of directives.get(d)!) expect(source).toMatch(/^('self'|'unsafe-inline'|'unsafe-eval'|data:|blob:|ws:|wss:)$/);
    }
  });
});
