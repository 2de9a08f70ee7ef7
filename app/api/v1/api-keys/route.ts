import { listApiKeysEndpoint } from "@/lib/api/api-keys-endpoints";
import { routeHandler } from "@/lib/api/with-api-key";

export const dynamic = "force-dynamic";

/** GET /api/v1/api-keys (scope billing:read): the org's keys with their budgets and use — see lib/api/api-keys-endpoints.ts. */
export const GET = routeHandler(listApiKeysEndpoint);
