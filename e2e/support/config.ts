/** Ports and paths of the e2e stack (kept away from a developer's running `npm start`). */
const port = 3100;
const pgPort = 54339;
const dataDir = ".data/e2e";

export const E2E = {
  appUrl: `http://localhost:${port}`,
  dataDir,
  databaseUrl: `postgres://postgres:refill-local@127.0.0.1:${pgPort}/refill`,
  emulatorUrl: "http://127.0.0.1:12199",
  serverEnv: {
    PORT: String(port),
    APP_URL: `http://localhost:${port}`,
    REFILL_DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    STRIPE_EMULATOR_PORT: "12199",
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production",
  } as Record<string, string>,
};
