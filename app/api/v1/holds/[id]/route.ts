import { routeHandler } from "@/lib/api/with-api-key";
import { getHoldEndpoint } from "@/lib/holds/holds-endpoints";

/** GET /api/v1/holds/{id} — see `getHoldEndpoint` (lib/holds/holds-endpoints.ts) for the body, answers and errors; the same endpoint serves the Node.js ingestion path. */
export const GET = routeHandler(getHoldEndpoint);
