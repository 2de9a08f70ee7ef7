import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Server-only packages with native binaries or dynamic requires stay outside the bundle.
  serverExternalPackages: ["pg-boss", "postgres", "bcryptjs", "nodemailer"],
  poweredByHeader: false,
  // A separate build directory lets a benchmark or test build run beside a developer's `.next`.
  distDir: process.env.REFILL_NEXT_DIST_DIR || ".next",
};

export default nextConfig;
