import { invalidRequest, parameterMissing, parameterUnknown } from './errors.js';
import type { Params } from './form.js';

const RENAMED: Record<string, string> = {
  payment_method_types: 'Did you mean allowed_payment_method_types?',
};

/** Unknown top-level params → 400 parameter_unknown (expand is always allowed). */
export function assertKnownParams(params: Params, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (key === 'expand' || allowed.includes(key)) continue;
    throw parameterUnknown(key, RENAMED[key]);
  }
}

/** Nested params such as `card[...]`: same check, reported as `card[foo]`. */
export function assertKnownNested(params: Params, parent: string, allowed: readonly string[]): void {
  const value = params[parent];
  if (typeof value !== 'object' || value === null) return;
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw parameterUnknown(`${parent}[${key}]`);
  }
}

export function optionalString(params: Params, key: string): string | undefined {
  const value = params[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${key}`, { param: key, code: 'parameter_invalid_string' });
  return value;
}

export function requiredString(params: Params, key: string): string {
  const value = optionalString(params, key);
  if (value === undefined) throw parameterMissing(key);
  return value;
}

export function optionalInt(params: Params, key: string, param = key): number | undefined {
  const value = params[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
    throw invalidRequest(`Invalid integer: ${String(value)}`, { param, code: 'parameter_invalid_integer' });
  }
  return Number(value);
}

export function requiredInt(params: Params, key: string): number {
  const value = optionalInt(params, key);
  if (value === undefined) throw parameterMissing(key);
  return value;
}

export function optionalBool(params: Params, key: string): boolean | undefined {
  const value = params[key];
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === true) return true;
  if (value === 'false' || value === false) return false;
  throw invalidRequest(`Invalid boolean: ${String(value)}`, { param: key });
}

export function optionalEnum<T extends string>(params: Params, key: string, values: readonly T[]): T | undefined {
  const value = optionalString(params, key);
  if (value === undefined) return undefined;
  if (!values.includes(value as T)) {
    throw invalidRequest(`Invalid ${key}: must be one of ${values.join(', ')}`, { param: key });
  }
  return value as T;
}

/** Stripe metadata semantics: merge; `metadata[k]=` deletes k; `metadata=` clears all. */
export function mergeMetadata(existing: Record<string, string>, update: unknown): Record<string, string> {
  if (update === undefined) return existing;
  if (update === '') return {};
  if (typeof update !== 'object' || update === null || Array.isArray(update)) {
    throw invalidRequest('Invalid metadata: must be an object', { param: 'metadata' });
  }
  const merged = { ...existing };
  for (const [key, value] of Object.entries(update as Record<string, unknown>)) {
    if (value === '') delete merged[key];
    else merged[key] = String(value);
  }
  return merged;
}

export function expandList(params: Params): string[] {
  const expand = params.expand;
  if (expand === undefined || expand === '') return [];
  if (Array.isArray(expand)) return expand.map(String);
  if (typeof expand === 'string') return [expand];
  return Object.values(expand).map(String);
}
