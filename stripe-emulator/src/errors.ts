/** Stripe error bodies: `{ error: { type, code, decline_code, message, param, ... } }`. */
export type ErrorBody = { error: Record<string, unknown> };

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.error.message ?? 'error'));
  }
}

export function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;
}

export function invalidRequest(message: string, options: { param?: string; code?: string; status?: number } = {}): StripeApiError {
  const error: Record<string, unknown> = { type: 'invalid_request_error', message };
  if (options.code) {
    error.code = options.code;
    error.doc_url = docUrl(options.code);
  }
  if (options.param) error.param = options.param;
  return new StripeApiError(options.status ?? 400, { error });
}

export function resourceMissing(kind: string, id: string, param = 'id'): StripeApiError {
  return invalidRequest(`No such ${kind}: '${id}'`, { param, code: 'resource_missing', status: 404 });
}

export function parameterMissing(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, { param, code: 'parameter_missing' });
}

export function parameterUnknown(param: string, hint?: string): StripeApiError {
  const suffix = hint ? ` ${hint}` : '';
  return invalidRequest(`Received unknown parameter: ${param}.${suffix}`, { param, code: 'parameter_unknown' });
}

export function apiError(message = 'An unknown error occurred'): StripeApiError {
  return new StripeApiError(500, { error: { type: 'api_error', message } });
}

export function authenticationError(key: string | null): StripeApiError {
  const message = key
    ? `Invalid API Key provided: ${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`
    : "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.";
  return new StripeApiError(401, { error: { type: 'invalid_request_error', message } });
}
