import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdminRequest } from './admin.js';
import { handleApiRequest } from './api.js';
import { DEFAULT_CONFIG, type EmulatorConfig } from './config.js';
import { Emulator } from './emulator.js';
import { handleHostedRequest } from './hosted/pages.js';
import { IdempotencyStore } from './idempotency.js';
import { registerBillingPortalRoutes } from './resources/billing-portal.js';
import { registerChargeRoutes } from './resources/charges.js';
import { registerDisputeRoutes } from './resources/disputes.js';
import { registerRefundRoutes } from './resources/refunds.js';
import { registerCheckoutRoutes, expireDueCheckoutSessions } from './resources/checkout.js';
import { registerCustomerRoutes } from './resources/customers.js';
import { registerEventRoutes } from './resources/events.js';
import { registerInvoiceItemRoutes } from './resources/invoice-items.js';
import { registerInvoiceRoutes } from './resources/invoice-routes.js';
import { registerTaxIdRoutes } from './resources/tax-ids.js';
import { registerPaymentIntentRoutes } from './resources/payment-intent-routes.js';
import { registerPaymentMethodRoutes } from './resources/payment-methods.js';
import { registerProductPriceRoutes } from './resources/products-prices.js';
import { registerSetupIntentRoutes } from './resources/setup-intents.js';
import { registerSubscriptionRoutes } from './resources/subscriptions.js';
import { registerTestClockRoutes } from './resources/test-clocks.js';
import { Router } from './router.js';

export interface RunningEmulator {
  url: string;
  port: number;
  emulator: Emulator;
  close(): Promise<void>;
}

function buildRouter(): Router {
  const router = new Router();
  registerCustomerRoutes(router);
  registerPaymentMethodRoutes(router);
  registerPaymentIntentRoutes(router);
  registerChargeRoutes(router);
  registerRefundRoutes(router);
  registerDisputeRoutes(router);
  registerSetupIntentRoutes(router);
  registerProductPriceRoutes(router);
  registerSubscriptionRoutes(router);
  registerInvoiceRoutes(router);
  registerInvoiceItemRoutes(router);
  registerTaxIdRoutes(router);
  registerCheckoutRoutes(router);
  registerBillingPortalRoutes(router);
  registerTestClockRoutes(router);
  registerEventRoutes(router);
  return router;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Starts an emulator (port 0 = a free port). Used by `main.ts` and by the emulator's own tests. */
export async function startEmulator(options: Partial<EmulatorConfig> = {}): Promise<RunningEmulator> {
  const config: EmulatorConfig = { ...DEFAULT_CONFIG, stateFile: null, ...options };
  const emulator = new Emulator(config);
  const router = buildRouter();
  const idempotency = new IdempotencyStore(config.idempotencyTtlMs);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://emulator.local');
    const body = await readBody(request);
    expireDueCheckoutSessions(emulator);
    if (url.pathname.startsWith('/v1/')) {
      await handleApiRequest(emulator, router, idempotency, request, response, url, body);
    } else if (url.pathname.startsWith('/_emulator/')) {
      await handleAdminRequest(emulator, idempotency, request, response, url, body);
    } else if (!handleHostedRequest(emulator, request, response, url, body)) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('Not found');
    }
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('stripe-emulator: unhandled error', error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { type: 'api_error', message: 'An unknown error occurred' } }));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  emulator.publicUrl = (config.publicUrl ?? `http://localhost:${port}`).replace(/\/$/, '');
  const expiryTimer = setInterval(() => expireDueCheckoutSessions(emulator), 1_000);
  expiryTimer.unref();
  return {
    url: `http://${config.host}:${port}`,
    port,
    emulator,
    close: async () => {
      clearInterval(expiryTimer);
      emulator.releaseHung();
      emulator.webhooks.close();
      emulator.store.flush();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
