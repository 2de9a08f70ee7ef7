import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_VERSION, type Faults } from './config.js';
import { payCheckoutSession } from './checkout-flow.js';
import { StripeApiError } from './errors.js';
import type { Emulator } from './emulator.js';
import type { IdempotencyStore } from './idempotency.js';
import type { Params } from './form.js';
import { closeDispute } from './resources/disputes.js';
import { authenticatePaymentIntent } from './resources/payment-intents.js';
import { authenticateSetupIntent } from './resources/setup-intents.js';
import { advanceTestClock, beginAdvance } from './resources/test-clocks.js';
import { render } from './store.js';

const FAULT_KEYS: Array<keyof Faults> = [
  'duplicate_deliveries',
  'shuffle',
  'delay_ms',
  'drop_first_attempt',
  'wrong_signature',
  'fail_next_requests',
  'fail_path_prefix',
  'hang_next_requests',
  'hang_ms',
  'hang_path_prefix',
  'hang_method',
  'hang_every_n',
  'drop_response_next_requests',
  'drop_path_prefix',
  'drop_method',
  'drop_webhooks',
];

function checkFault(name: string, value: unknown): void {
  if (name === 'drop_webhooks') {
    const ok = typeof value === 'boolean' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
    if (!ok) throw new AdminError(400, 'drop_webhooks must be true, false or a list of event types.');
  }
}

class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body, null, 2));
}

function parseJson(body: string): Params {
  if (!body.trim()) return {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Params;
  } catch {
    // fall through
  }
  throw new AdminError(400, 'Body must be a JSON object.');
}

function outcomeOf(input: Params): 'complete' | 'fail' {
  if (input.outcome === 'complete' || input.outcome === 'fail') return input.outcome;
  throw new AdminError(400, 'outcome must be "complete" or "fail".');
}

function route(emulator: Emulator, idempotency: IdempotencyStore, method: string, url: URL, input: Params): unknown {
  const path = url.pathname.replace(/^\/_emulator\//, '');
  const parts = path.split('/');
  const key = `${method} ${parts.length === 3 ? `${parts[0]}/:id/${parts[2]}` : path}`;
  switch (key) {
    case 'GET health':
      return { ok: true, api_version: API_VERSION, public_url: emulator.publicUrl, webhook_url: emulator.webhooks.cliTarget?.url ?? null };
    case 'POST reset':
      emulator.store.reset();
      emulator.webhooks.clear();
      idempotency.clear();
      emulator.faults = {};
      emulator.hangEveryCount = 0;
      emulator.releaseHung();
      return { ok: true };
    case 'POST idempotency/forget':
      return { forgotten: idempotency.clear() };
    case 'GET deliveries': {
      const type = url.searchParams.get('event_type');
      const eventId = url.searchParams.get('event_id');
      return { data: emulator.webhooks.deliveries.filter((d) => (!type || d.event_type === type) && (!eventId || d.event_id === eventId)), idle: emulator.webhooks.idle };
    }
    case 'GET events': {
      const type = url.searchParams.get('type');
      const events = emulator.store.list('event', (e) => !type || e.type === type).reverse();
      return { data: render(events) };
    }
    case 'POST payment_intents/:id/authenticate':
      return render(authenticatePaymentIntent(emulator, emulator.store.require('payment_intent', parts[1]!), outcomeOf(input)));
    case 'POST setup_intents/:id/authenticate':
      return render(authenticateSetupIntent(emulator, emulator.store.require('setup_intent', parts[1]!), outcomeOf(input)));
    case 'POST test_clocks/:id/advance': {
      const clock = emulator.store.require('test_helpers.test_clock', parts[1]!);
      const frozenTime = Number(input.frozen_time);
      if (!Number.isInteger(frozenTime)) throw new AdminError(400, 'frozen_time (unix seconds) is required.');
      beginAdvance(emulator, clock, frozenTime);
      advanceTestClock(emulator, clock, frozenTime);
      return render(clock);
    }
    case 'POST checkout_sessions/:id/complete': {
      const session = emulator.store.require('checkout.session', parts[1]!);
      const step = payCheckoutSession(emulator, session, { number: String(input.card_number ?? '4242424242424242'), email: input.email, name: input.name });
      return { step, session: render(session) };
    }
    case 'POST disputes/:id/close': {
      if (input.outcome !== 'won' && input.outcome !== 'lost') throw new AdminError(400, 'outcome must be "won" or "lost".');
      return render(closeDispute(emulator, emulator.store.require('dispute', parts[1]!), input.outcome));
    }
    case 'POST faults': {
      const next: Faults = { ...emulator.faults };
      for (const [name, value] of Object.entries(input)) {
        if (!FAULT_KEYS.includes(name as keyof Faults)) throw new AdminError(400, `Unknown fault: ${name}. Known: ${FAULT_KEYS.join(', ')}`);
        checkFault(name, value);
        (next as Record<string, unknown>)[name] = value;
      }
      emulator.faults = next;
      return { faults: emulator.faults };
    }
    case 'GET faults':
      return { faults: emulator.faults };
    case 'DELETE faults':
      emulator.faults = {};
      emulator.hangEveryCount = 0;
      emulator.releaseHung();
      return { faults: {} };
    case 'POST webhook': {
      if (input.url !== null && typeof input.url !== 'string') throw new AdminError(400, 'url must be a string (or null to disable).');
      emulator.webhooks.setCliTarget(input.url ?? undefined, typeof input.secret === 'string' ? input.secret : undefined);
      return { url: emulator.webhooks.cliTarget?.url ?? null, secret: emulator.webhooks.cliTarget?.secret ?? null };
    }
    case 'GET webhook':
      return { url: emulator.webhooks.cliTarget?.url ?? null, secret: emulator.webhooks.cliTarget?.secret ?? null };
    default:
      throw new AdminError(404, `Unknown admin route: ${method} /_emulator/${path}`);
  }
}

/** `/_emulator/*`: JSON admin API for tests and scripts (no auth; local use only). */
export async function handleAdminRequest(
  emulator: Emulator,
  idempotency: IdempotencyStore,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  body: string,
): Promise<void> {
  try {
    json(response, 200, route(emulator, idempotency, request.method ?? 'GET', url, parseJson(body)));
  } catch (error) {
    if (error instanceof AdminError) return json(response, error.status, { error: { message: error.message } });
    if (error instanceof StripeApiError) return json(response, error.status, error.body);
    throw error;
  }
}
