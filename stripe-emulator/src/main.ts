import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, type EmulatorConfig } from './config.js';
import { startEmulator } from './server.js';

const USAGE = `Usage: tsx stripe-emulator/src/main.ts [options]
  --port <n>             STRIPE_EMULATOR_PORT            (default 12111)
  --host <addr>          STRIPE_EMULATOR_HOST            (default 127.0.0.1)
  --public-url <url>     STRIPE_EMULATOR_PUBLIC_URL      (default http://localhost:<port>)
  --webhook-url <url>    STRIPE_EMULATOR_WEBHOOK_URL     (zero-setup endpoint, all events)
  --webhook-secret <s>   STRIPE_EMULATOR_WEBHOOK_SECRET  (whsec_…; random when omitted)
  --state-file <path>    STRIPE_EMULATOR_STATE_FILE      (default .data/stripe-emulator.json; empty = in memory)
  --no-persist           keep state in memory only
  --retry-base-ms <n>    STRIPE_EMULATOR_RETRY_BASE_MS   (webhook retry back-off base, default 500)
  --max-attempts <n>     STRIPE_EMULATOR_MAX_ATTEMPTS    (webhook delivery attempts, default 6)
  --idempotency-ttl-ms <n> STRIPE_EMULATOR_IDEMPOTENCY_TTL_MS (how long keys are remembered, default 86400000 = 24 h)
  --log                  STRIPE_EMULATOR_LOG=1           (one line per API request)`;

function configFromArgs(argv: string[], env: NodeJS.ProcessEnv): EmulatorConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'public-url': { type: 'string' },
      'webhook-url': { type: 'string' },
      'webhook-secret': { type: 'string' },
      'state-file': { type: 'string' },
      'no-persist': { type: 'boolean' },
      'retry-base-ms': { type: 'string' },
      'max-attempts': { type: 'string' },
      'idempotency-ttl-ms': { type: 'string' },
      log: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const pick = (flag: string | undefined, name: string): string | undefined => flag ?? env[name];
  const stateFile = pick(values['state-file'], 'STRIPE_EMULATOR_STATE_FILE') ?? DEFAULT_CONFIG.stateFile;
  return {
    port: Number(pick(values.port, 'STRIPE_EMULATOR_PORT') ?? DEFAULT_CONFIG.port),
    host: pick(values.host, 'STRIPE_EMULATOR_HOST') ?? DEFAULT_CONFIG.host,
    publicUrl: pick(values['public-url'], 'STRIPE_EMULATOR_PUBLIC_URL') || undefined,
    webhookUrl: pick(values['webhook-url'], 'STRIPE_EMULATOR_WEBHOOK_URL') || undefined,
    webhookSecret: pick(values['webhook-secret'], 'STRIPE_EMULATOR_WEBHOOK_SECRET') || undefined,
    stateFile: values['no-persist'] || !stateFile ? null : stateFile,
    retryBaseMs: Number(pick(values['retry-base-ms'], 'STRIPE_EMULATOR_RETRY_BASE_MS') ?? DEFAULT_CONFIG.retryBaseMs),
    maxDeliveryAttempts: Number(pick(values['max-attempts'], 'STRIPE_EMULATOR_MAX_ATTEMPTS') ?? DEFAULT_CONFIG.maxDeliveryAttempts),
    logRequests: values.log === true || env.STRIPE_EMULATOR_LOG === '1',
    idempotencyTtlMs: Number(pick(values['idempotency-ttl-ms'], 'STRIPE_EMULATOR_IDEMPOTENCY_TTL_MS') ?? DEFAULT_CONFIG.idempotencyTtlMs),
  };
}

const config = configFromArgs(process.argv.slice(2), process.env);
const running = await startEmulator(config);
console.log(`stripe-emulator listening on ${running.url}`);
if (running.emulator.webhooks.cliTarget) {
  console.log(`stripe-emulator webhooks → ${running.emulator.webhooks.cliTarget.url} (secret ${running.emulator.webhooks.cliTarget.secret})`);
}

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void running.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
