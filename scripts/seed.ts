/**
 * `npm run db:seed`: creates the demo orgs on an empty database (also run automatically on first start),
 * prints the logins and the API key, and writes them to REFILL_DATA_DIR/demo-credentials.json.
 */
import { env } from "@/lib/env";
import { prepareRuntime, printCredentials } from "./lib/runtime";

const runtime = await prepareRuntime();
if (runtime.seededNow) printCredentials(runtime.seeded, env().APP_URL);
else console.log("The database already has organizations; nothing seeded.");
await runtime.stop();
process.exit(0);
