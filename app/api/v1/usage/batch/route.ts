import { routeHandler } from "@/lib/api/with-api-key";
import { postUsageBatch } from "@/lib/usage/usage-endpoints";

/** POST /api/v1/usage/batch — see `postUsageBatch` (lib/usage/usage-endpoints.ts) for the body, answers and errors; the same endpoint serves the Node.js ingestion path. */
export const POST = routeHandler(postUsageBatch);
