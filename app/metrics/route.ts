import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { renderMetrics } from "@/lib/metrics";

export const dynamic = "force-dynamic";

/**
 * GET /metrics — the process's metrics in Prometheus text format (lib/metrics), for a scraper sending
 * `Authorization: Bearer $METRICS_TOKEN`. 404 when `METRICS_TOKEN` is unset (the endpoint does not exist),
 * 401 for a missing or wrong token (compared in constant time).
 */
export async function GET(request: Request): Promise<Response> {
  const token = env().METRICS_TOKEN;
  if (!token) return new Response("Not Found", { status: 404 });
  if (!bearerMatches(request.headers.get("authorization"), token)) {
    return new Response("Unauthorized", { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } });
  }
  const { contentType, body } = await renderMetrics();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}

function bearerMatches(header: string | null, token: string): boolean {
  const m = /^Bearer (.+)$/i.exec(header ?? "");
  if (!m) return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(m[1]!), digest(token));
}
