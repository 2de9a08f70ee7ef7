import { routeHandler } from "@/lib/api/with-api-key";
import { postHoldCapture } from "@/lib/holds/holds-endpoints";

/** POST /api/v1/holds/{id}/capture — see `postHoldCapture` (lib/holds/holds-endpoints.ts) for the body, answers and errors; the same endpoint serves the Node.js ingestion path. */
export const POST = routeHandler(postHoldCapture);
