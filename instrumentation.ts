/**
 * Next.js calls `register()` once per server process. The job worker (pg-boss) runs in the Node.js
 * runtime only, and not when REFILL_DISABLE_WORKER is set (checked in startAppJobs via lib/env).
 * NEXT_RUNTIME is read here because Next.js requires it for dead-code elimination of the edge bundle.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startAppJobs } = await import("./lib/jobs/start-app-jobs");
  await startAppJobs();
}
