import { invalidRequest, parameterMissing } from './errors.js';
import type { Params } from './form.js';
import { assertKnownParams, expandList, optionalInt, optionalString } from './params.js';
import { render, type StripeObject } from './store.js';

/**
 * Stripe's Search Query Language (https://docs.stripe.com/search#search-query-language), the subset
 * the emulator needs, evaluated over the store — immediately consistent (real Stripe lags up to ~1 min).
 *
 * A query is 1–10 clauses joined by ` AND ` or ` OR ` (not both). A clause is
 * `[-]field<op>value`: `field` is a resource's query field, `metadata['key']` / `metadata["key"]`
 * for metadata; `op` is `:` (exact, case-insensitive), `~` (substring, ≥ 3 chars; string fields),
 * or `>` `<` `>=` `<=` (numeric fields); `value` is a quoted string (`'…'` or `"…"`, `\` escapes),
 * a number (numeric fields) or `null` (`field:null` = field absent). A leading `-` negates.
 * Anything else → 400 `invalid_request_error` (param `query`), as Stripe answers.
 */
export type FieldKind = 'token' | 'string' | 'numeric' | 'metadata';

interface SearchClause {
  field: string;
  /** Metadata key, for `metadata['key']`. */
  key?: string;
  op: ':' | '~' | '>' | '<' | '>=' | '<=';
  value: string | number | null;
  negate: boolean;
}

interface ParsedQuery {
  clauses: SearchClause[];
  join: 'AND' | 'OR';
}

const MAX_CLAUSES = 10;

function unparseable(query: string, detail: string): Error {
  return invalidRequest(
    `We were unable to parse your search query (${detail}): ${query}. Try using the format \`metadata["key"]:"value"\` to query for metadata or \`key:"value"\` to query for other fields.`,
    { param: 'query' },
  );
}

/** Parses `query` against a resource's fields; throws the 400 Stripe answers for a bad query. */
function parseSearchQuery(query: string, fields: Record<string, FieldKind>, resource: string): ParsedQuery {
  let i = 0;
  const text = query.trim();
  const clauses: SearchClause[] = [];
  let join: 'AND' | 'OR' | null = null;
  const fail = (detail: string): never => {
    throw unparseable(query, detail);
  };
  const readQuoted = (): string => {
    const quote = text[i];
    if (quote !== '"' && quote !== "'") return fail(`expected a quoted string at position ${i}`);
    let out = '';
    for (i++; i < text.length && text[i] !== quote; i++) {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      out += text[i];
    }
    if (text[i] !== quote) fail('unterminated string');
    i++;
    return out;
  };
  while (i < text.length) {
    const negate = text[i] === '-';
    if (negate) i++;
    const nameMatch = /^[a-z_][a-z0-9_.]*/.exec(text.slice(i));
    if (!nameMatch) fail(`expected a field name at position ${i}`);
    const field = nameMatch![0];
    i += field.length;
    const kind = fields[field];
    if (!kind) {
      throw invalidRequest(
        `Field \`${field}\` is an unsupported search field for resource \`${resource}\`. See https://stripe.com/docs/search#query-fields-for-${resource.replace(/_/g, '-')} for a list of supported fields.`,
        { param: 'query' },
      );
    }
    let key: string | undefined;
    if (kind === 'metadata') {
      if (text[i] !== '[') fail('metadata must be followed by ["key"]');
      i++;
      key = readQuoted();
      if (text[i] !== ']') fail('expected ] after the metadata key');
      i++;
    }
    const opMatch = /^(>=|<=|:|~|>|<)/.exec(text.slice(i));
    if (!opMatch) fail(`expected an operator (: ~ > < >= <=) after ${field}`);
    const op = opMatch![0] as SearchClause['op'];
    i += op.length;
    let value: string | number | null;
    if (text[i] === '"' || text[i] === "'") value = readQuoted();
    else {
      const bare = /^[^\s]+/.exec(text.slice(i))?.[0] ?? '';
      i += bare.length;
      if (bare === 'null') value = null;
      else if (/^-?\d+(\.\d+)?$/.test(bare)) value = Number(bare);
      else value = fail(`the value of ${field} must be quoted`);
    }
    const numericOp = op !== ':' && op !== '~';
    if (numericOp && (kind !== 'numeric' || typeof value !== 'number')) fail(`${op} needs a numeric field and a number`);
    if (op === '~' && (kind === 'numeric' || kind === 'token' || typeof value !== 'string' || value.length < 3)) {
      fail('~ needs a string field and at least 3 characters');
    }
    if (kind === 'numeric' && op === ':' && typeof value === 'string') value = Number.isFinite(Number(value)) ? Number(value) : fail(`${field} is numeric`);
    clauses.push({ field, key, op, value, negate });
    if (clauses.length > MAX_CLAUSES) fail(`at most ${MAX_CLAUSES} clauses`);
    if (i >= text.length) break;
    const joinMatch = /^\s+(AND|OR)\s+/.exec(text.slice(i));
    if (!joinMatch) fail(`expected AND or OR at position ${i}`);
    if (join && join !== joinMatch![1]) fail('AND and OR cannot be combined in one query');
    join = joinMatch![1] as 'AND' | 'OR';
    i += joinMatch![0].length;
  }
  if (clauses.length === 0) fail('empty query');
  return { clauses, join: join ?? 'AND' };
}

function clauseMatches(object: StripeObject, clause: SearchClause): boolean {
  const raw = clause.key !== undefined ? object.metadata?.[clause.key] : object[clause.field];
  let result: boolean;
  if (clause.value === null) result = raw === null || raw === undefined || raw === '';
  else if (raw === null || raw === undefined) result = false;
  else if (typeof clause.value === 'number') {
    const n = Number(raw);
    result =
      clause.op === ':'
        ? n === clause.value
        : clause.op === '>'
          ? n > clause.value
          : clause.op === '<'
            ? n < clause.value
            : clause.op === '>='
              ? n >= clause.value
              : n <= clause.value;
  } else {
    const have = String(raw).toLowerCase();
    const want = clause.value.toLowerCase();
    result = clause.op === '~' ? have.includes(want) : have === want;
  }
  return clause.negate ? !result : result;
}

function matchesQuery(object: StripeObject, parsed: ParsedQuery): boolean {
  return parsed.join === 'AND' ? parsed.clauses.every((c) => clauseMatches(object, c)) : parsed.clauses.some((c) => clauseMatches(object, c));
}

/** Page tokens are opaque to clients; here they encode the offset of the next result. */
function decodePage(page: string | undefined): number {
  if (page === undefined) return 0;
  const offset = Number(
    Buffer.from(page, 'base64url')
      .toString('utf8')
      .replace(/^offset:/, ''),
  );
  if (!Number.isInteger(offset) || offset < 0) throw invalidRequest(`Invalid page: ${page}`, { param: 'page' });
  return offset;
}

/**
 * `GET /v1/<resource>/search`: `{object: 'search_result', data, has_more, next_page, url, total_count?}`
 * (`total_count` only with `expand[]=total_count`), newest first, `limit` 1–100 (default 10), `page` cursor.
 */
export function searchResult(items: StripeObject[], params: Params, options: { url: string; resource: string; fields: Record<string, FieldKind> }): StripeObject {
  assertKnownParams(params, ['query', 'limit', 'page']);
  const query = optionalString(params, 'query');
  if (query === undefined) throw parameterMissing('query');
  const parsed = parseSearchQuery(query, options.fields, options.resource);
  const limit = optionalInt(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidRequest('This value must be greater than or equal to 1 and less than or equal to 100.', { param: 'limit' });
  }
  const offset = decodePage(optionalString(params, 'page'));
  const matched = items.filter((o) => matchesQuery(o, parsed)).sort((a, b) => b.created - a.created || b._seq - a._seq);
  const pageItems = matched.slice(offset, offset + limit);
  const hasMore = offset + limit < matched.length;
  const result: StripeObject = {
    object: 'search_result',
    data: render(pageItems),
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(`offset:${offset + limit}`).toString('base64url') : null,
    url: options.url,
  };
  if (expandList(params).includes('total_count')) result.total_count = matched.length;
  return result;
}

/** Query fields for PaymentIntents (https://docs.stripe.com/search#query-fields-for-payment-intents). */
export const PAYMENT_INTENT_SEARCH_FIELDS: Record<string, FieldKind> = {
  amount: 'numeric',
  created: 'numeric',
  currency: 'token',
  customer: 'token',
  metadata: 'metadata',
  status: 'token',
};
