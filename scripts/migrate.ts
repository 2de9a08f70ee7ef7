/** `npm run db:migrate`: applies drizzle/ migrations to DATABASE_URL (or the embedded database). */
import { prepareRuntime } from "./lib/runtime";

const runtime = await prepareRuntime();
console.log("Migrations applied.");
await runtime.stop();
process.exit(0);
