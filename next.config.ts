import type { NextConfig } from "next";

const dev = process.env.NODE_ENV === "development";

/**
 * The Content-Security-Policy of every response. Static (no nonce): a nonce needs a proxy (middleware)
 * on every request, which renders every page dynamically and makes Next.js buffer request bodies
 * before the route handlers' streaming body limits run. So scripts allow 'self' and 'unsafe-inline'
 * (Next.js's inline bootstrap and flight scripts) but no other origin; the policy's real work is
 * `frame-ancestors 'none'` (no clickjacking), `connect-src 'self'` (nothing exfiltrated by fetch),
 * `object-src 'none'`, `base-uri 'self'` and `form-action 'self'`. Stripe's hosted pages are reached
 * by navigation, which CSP does not restrict. `next dev` adds 'unsafe-eval' (React's dev tooling).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  `connect-src 'self'${dev ? " ws: wss:" : ""}`,
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join("; ");

/** Sent on every route (pages, route handlers, static files). HSTS belongs to the TLS terminator in front. */
const SECURITY_HEADERS: { key: string; value: string }[] = [
  { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

const nextConfig: NextConfig = {
  // Server-only packages with native binaries or dynamic requires stay outside the bundle (prom-client: one copy
  // per process, the same the tsx-loaded ingestion server uses).
  serverExternalPackages: ["pg-boss", "postgres", "bcryptjs", "nodemailer", "prom-client"],
  poweredByHeader: false,
  // A separate build directory lets a benchmark or test build run beside a developer's `.next`.
  distDir: process.env.REFILL_NEXT_DIST_DIR || ".next",
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
};

export default nextConfig;
