import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_VERSION } from './config.js';
import { StripeApiError, apiError, authenticationError, invalidRequest } from './errors.js';
import type { Emulator } from './emulator.js';
import { applyExpand } from './expand.js';
import { parseForm } from './form.js';
import { type IdempotencyStore, requestFingerprint, type StoredResponse } from './idempotency.js';
import { newId } from './ids.js';
import { expandList } from './params.js';
import type { Router } from './router.js';
import { render } from './store.js';

function apiKeyOf(request: IncomingMessage): string | null {
  const header = request.headers.authorization ?? '';
  if (header.startsWith('Bearer ')) return header.slice(7).trim();
  if (header.startsWith('Basic ')) return Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0] ?? null;
  return null;
}

function takeFault(emulator: Emulator, counter: 'fail_next_requests' | 'hang_next_requests' | 'drop_response_next_requests', prefix: string | undefined, path: string): boolean {
  const remaining = emulator.faults[counter] ?? 0;
  if (remaining <= 0 || (prefix && !path.startsWith(prefix))) return false;
  emulator.faults[counter] = remaining - 1;
  return true;
}

function methodMatches(wanted: string | undefined, method: string): boolean {
  return !wanted || wanted.toUpperCase() === method;
}

/** `hang_next_requests` (a counter) or `hang_every_n` (every n-th matching request), filtered by prefix and method. */
function takeHang(emulator: Emulator, method: string, path: string): boolean {
  const faults = emulator.faults;
  if (!methodMatches(faults.hang_method, method)) return false;
  if (takeFault(emulator, 'hang_next_requests', faults.hang_path_prefix, path)) return true;
  const every = faults.hang_every_n ?? 0;
  if (every <= 0 || (faults.hang_path_prefix && !path.startsWith(faults.hang_path_prefix))) return false;
  emulator.hangEveryCount++;
  return emulator.hangEveryCount % every === 0;
}

function errorResponse(error: StripeApiError): StoredResponse {
  return { status: error.status, body: JSON.stringify(error.body, null, 2) };
}

function execute(emulator: Emulator, router: Router, method: string, path: string, query: string, body: string): StoredResponse {
  const matched = router.match(method, path);
  if (matched === null || matched === 'method') {
    return errorResponse(
      invalidRequest(`Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`, { status: 404 }),
    );
  }
  try {
    const params = method === 'POST' ? parseForm(body) : parseForm(query);
    const result = matched.handler(emulator, { method, path, params, pathParams: matched.pathParams });
    const expanded = applyExpand(emulator, render(result), expandList(params));
    return { status: 200, body: JSON.stringify(expanded, null, 2) };
  } catch (error) {
    if (error instanceof StripeApiError) return errorResponse(error);
    console.error('stripe-emulator: internal error', error);
    return errorResponse(apiError());
  }
}

/** `/v1/*`: auth, fault injection, idempotency, then the resource handler. */
export async function handleApiRequest(
  emulator: Emulator,
  router: Router,
  idempotency: IdempotencyStore,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  body: string,
): Promise<void> {
  const method = request.method ?? 'GET';
  const path = url.pathname;
  const requestId = newId('req', 14);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'request-id': requestId,
    'stripe-version': String(request.headers['stripe-version'] ?? API_VERSION),
  };
  const send = (result: StoredResponse, extra: Record<string, string> = {}): void => {
    response.writeHead(result.status, { ...headers, ...extra });
    response.end(result.body);
  };
  const apiKey = apiKeyOf(request);
  if (!apiKey || !apiKey.startsWith('sk_test_')) return send(errorResponse(authenticationError(apiKey)));

  if (takeFault(emulator, 'fail_next_requests', emulator.faults.fail_path_prefix, path)) {
    // injected before anything happens: no side effect, nothing stored under the idempotency key
    return send(errorResponse(apiError('An unknown error occurred (injected by stripe-emulator fault fail_next_requests).')));
  }

  // the response is lost on the way back (a replay's too); whatever the request did stands
  const takeDrop = (): boolean => methodMatches(emulator.faults.drop_method, method) && takeFault(emulator, 'drop_response_next_requests', emulator.faults.drop_path_prefix, path);
  const idempotencyKeyHeader = request.headers['idempotency-key'];
  const idempotencyKey = method === 'POST' && typeof idempotencyKeyHeader === 'string' && idempotencyKeyHeader ? idempotencyKeyHeader : null;
  if (idempotencyKey) {
    headers['idempotency-key'] = idempotencyKey;
    const lookup = idempotency.begin(apiKey, idempotencyKey, requestFingerprint(method, path, body));
    if (lookup.kind === 'replay') {
      if (takeDrop()) return void request.socket.destroy();
      return send(lookup.response, { 'idempotent-replayed': 'true' });
    }
    if (lookup.kind === 'mismatch') {
      return send(
        errorResponse(
          new StripeApiError(400, {
            error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            },
          }),
        ),
      );
    }
    if (lookup.kind === 'in_flight') {
      return send(
        errorResponse(
          new StripeApiError(409, {
            error: {
              type: 'idempotency_error',
              code: 'idempotency_key_in_use',
              message: 'There is currently another in-progress request using this Stripe-Idempotency-Key. Please try again later.',
            },
          }),
        ),
      );
    }
  }

  const hang = takeHang(emulator, method, path);
  const drop = takeDrop();
  const result = emulator.withRequest({ id: requestId, idempotency_key: idempotencyKey }, () => execute(emulator, router, method, path, url.search.slice(1), body));
  if (emulator.config.logRequests) console.log(`${method} ${path} → ${result.status}`);
  if (hang) {
    // the operation has happened; the key stays "in flight" while we hang, then the result is stored
    await emulator.hang(emulator.faults.hang_ms ?? 10_000);
  }
  if (idempotencyKey) {
    // Stripe saves a result only once the endpoint started executing: requests rejected by
    // validation (400/404 invalid_request_error) leave the key free for a corrected retry.
    const executed = result.status < 400 || result.status === 402 || result.status >= 500;
    if (executed) idempotency.complete(apiKey, idempotencyKey, result);
    else idempotency.release(apiKey, idempotencyKey);
  }
  if (drop) {
    // the operation happened and its result is stored: the client sees a connection reset and,
    // retrying with the same key, gets the replay
    request.socket.destroy();
    return;
  }
  if (!response.destroyed) send(result);
}
