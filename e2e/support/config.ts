/**
 * Ports and paths of the e2e stack (kept away from a developer's running `npm start`).
 * `E2E_PORT_OFFSET` shifts every port and the data dir, so two suites can run side by side.
 */
const offset = Number(process.env.E2E_PORT_OFFSET ?? 0);
const port = 3100 + offset;
const pgPort = 54339 + offset;
const emulatorPort = 12199 + offset;
const dataDir = offset ? `.data/e2e-${offset}` : ".data/e2e";

export const E2E = {
  appUrl: `http://localhost:${port}`,
  dataDir,
  databaseUrl: `postgres://postgres:refill-local@127.0.0.1:${pgPort}/refill`,
  emulatorUrl: `http://127.0.0.1:${emulatorPort}`,
  serverEnv: {
    PORT: String(port),
    APP_URL: `http://localhost:${port}`,
    REFILL_DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    STRIPE_EMULATOR_PORT: String(emulatorPort),
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production",
  } as Record<string, string>,
};
