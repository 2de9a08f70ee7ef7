import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startEmulator, type RunningEmulator } from '../src/server.js';

export interface TestContext {
  running: RunningEmulator;
  stripe: Stripe;
  /** Calls the `/_emulator/*` admin API; its JSON is loosely shaped, each test reads the fields it checks. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: admin answers differ per route
  admin<T = any>(method: string, path: string, body?: unknown): Promise<T>;
}

export async function startTestEmulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<TestContext> {
  const running = await startEmulator({ port: 0, stateFile: null, retryBaseMs: 50, ...options });
  const stripe = new Stripe('sk_test_123', { host: '127.0.0.1', port: running.port, protocol: 'http', maxNetworkRetries: 2 });
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${running.url}/_emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  };
  return { running, stripe, admin };
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface ReceivedWebhook {
  body: string;
  headers: IncomingHttpHeaders;
}

/** A local webhook receiver; `respond` decides the status for each request. */
export async function startReceiver(respond: (hook: ReceivedWebhook, index: number) => number = () => 200) {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const hook = { body: Buffer.concat(chunks).toString('utf8'), headers: request.headers };
      received.push(hook);
      response.writeHead(respond(hook, received.length - 1));
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Expects the promise to reject with a Stripe error and returns it. */
export async function stripeError(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected a Stripe error');
}
