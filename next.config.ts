import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Server-only packages with native binaries or dynamic requires stay outside the bundle.
  serverExternalPackages: ["pg-boss", "postgres", "bcryptjs", "nodemailer"],
  poweredByHeader: false,
};

export default nextConfig;
