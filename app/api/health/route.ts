export const dynamic = "force-dynamic";

const started = Date.now();

/** GET /api/health — liveness: the process is up and serving. No dependencies are checked (see /api/ready). */
export function GET(): Response {
  return Response.json({ status: "ok", uptime_s: Math.round((Date.now() - started) / 1000) }, { headers: { "cache-control": "no-store" } });
}
