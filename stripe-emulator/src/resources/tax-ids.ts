import { invalidRequest, parameterMissing } from '../errors.js';
import type { Emulator } from '../emulator.js';
import { registerComputedField } from '../expand.js';
import type { Params } from '../form.js';
import { newId } from '../ids.js';
import { LIST_PARAMS, paginate } from '../lists.js';
import { assertKnownParams, optionalString } from '../params.js';
import type { Router } from '../router.js';
import { render, type StripeObject } from '../store.js';

/** Formats Stripe validates for the common types (others: any non-empty value), and the country each implies. */
const FORMATS: Record<string, { pattern: RegExp; country: (value: string) => string; example: string; verified: boolean }> = {
  eu_vat: {
    pattern: /^(AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI)[0-9A-Z]{2,13}$/,
    country: (v) => (v.startsWith('EL') ? 'GR' : v.slice(0, 2)),
    example: 'DE123456789',
    verified: true,
  },
  gb_vat: { pattern: /^GB(\d{9}|\d{12})$/, country: () => 'GB', example: 'GB123456789', verified: true },
  us_ein: { pattern: /^\d{2}-\d{7}$/, country: () => 'US', example: '12-3456789', verified: false },
  au_abn: { pattern: /^\d{11}$/, country: () => 'AU', example: '12345678912', verified: true },
  ca_bn: { pattern: /^\d{9}$/, country: () => 'CA', example: '123456789', verified: false },
  ch_vat: { pattern: /^CHE-\d{3}\.\d{3}\.\d{3} (MWST|TVA|IVA)$/, country: () => 'CH', example: 'CHE-123.456.789 MWST', verified: false },
  in_gst: { pattern: /^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/, country: () => 'IN', example: '12ABCDE3456FGZH', verified: false },
  no_vat: { pattern: /^\d{9}MVA$/, country: () => 'NO', example: '123456789MVA', verified: false },
};
const COUNTRY_OF_PREFIX = /^([a-z]{2})_/;

function requireCustomer(emulator: Emulator, id: string, param: string): StripeObject {
  const customer = emulator.store.require('customer', id, param);
  if (customer.deleted) throw invalidRequest(`No such customer: '${id}'`, { param, code: 'resource_missing', status: 404 });
  return customer;
}

interface ValidTaxId {
  type: string;
  value: string;
  country: string;
  verified: boolean;
}

/** Checks type and value (400 `tax_id_invalid` like Stripe) before anything is written. `param` names the field in errors. */
export function validateTaxId(params: Params, param: (name: string) => string = (name) => name): ValidTaxId {
  const type = optionalString(params, 'type');
  if (!type) throw parameterMissing(param('type'));
  const rawValue = optionalString(params, 'value');
  if (!rawValue) throw parameterMissing(param('value'));
  const value = rawValue.replace(/\s+/g, type === 'ch_vat' ? ' ' : '').toUpperCase();
  const format = FORMATS[type];
  if (!format && !COUNTRY_OF_PREFIX.test(type)) throw invalidRequest(`Invalid value for type: ${type}.`, { param: param('type') });
  if (format && !format.pattern.test(value)) {
    throw invalidRequest(`Invalid value for ${type}: ${rawValue}. Expected a value like ${format.example}.`, { param: param('value'), code: 'tax_id_invalid' });
  }
  return { type, value, country: format ? format.country(value) : COUNTRY_OF_PREFIX.exec(type)![1]!.toUpperCase(), verified: format?.verified ?? false };
}

/** Stores a validated tax ID for a customer (`POST /v1/customers/:id/tax_ids`, `tax_id_data` on create). */
export function insertTaxId(emulator: Emulator, customer: StripeObject, valid: ValidTaxId): StripeObject {
  const taxId: StripeObject = {
    id: newId('txi'),
    object: 'tax_id',
    country: valid.country,
    created: emulator.nowFor(customer.id),
    customer: customer.id,
    customer_account: null,
    livemode: false,
    owner: { customer: customer.id, customer_account: null, type: 'customer' },
    type: valid.type,
    value: valid.value,
    verification: valid.verified ? { status: 'pending', verified_address: null, verified_name: null } : null,
  };
  emulator.store.insert(taxId);
  emulator.emit('customer.tax_id.created', taxId);
  return taxId;
}

function requireTaxId(emulator: Emulator, customer: StripeObject, id: string): StripeObject {
  const taxId = emulator.store.get(id);
  if (!taxId || taxId.object !== 'tax_id' || taxId.customer !== customer.id)
    throw invalidRequest(`No such tax_id: '${id}'`, { param: 'id', code: 'resource_missing', status: 404 });
  return taxId;
}

// `customer.tax_ids` is included only when expanded, as at Stripe.
registerComputedField('customer', 'tax_ids', (emulator, holder) => {
  const items = emulator.store.list('tax_id', (t) => t.customer === holder.id);
  return { object: 'list', data: render(items), has_more: false, total_count: items.length, url: `/v1/customers/${holder.id}/tax_ids` };
});

export function registerTaxIdRoutes(router: Router): void {
  router.post('/v1/customers/:id/tax_ids', (em, req) => {
    assertKnownParams(req.params, ['type', 'value']);
    const customer = requireCustomer(em, req.pathParams.id!, 'customer');
    return insertTaxId(em, customer, validateTaxId(req.params));
  });
  router.get('/v1/customers/:id/tax_ids', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS]);
    const customer = requireCustomer(em, req.pathParams.id!, 'customer');
    return paginate(
      em.store.list('tax_id', (t) => t.customer === customer.id),
      req.params,
      `/v1/customers/${customer.id}/tax_ids`,
    );
  });
  router.get('/v1/customers/:id/tax_ids/:taxId', (em, req) => requireTaxId(em, requireCustomer(em, req.pathParams.id!, 'customer'), req.pathParams.taxId!));
  router.delete('/v1/customers/:id/tax_ids/:taxId', (em, req) => {
    const taxId = requireTaxId(em, requireCustomer(em, req.pathParams.id!, 'customer'), req.pathParams.taxId!);
    em.emit('customer.tax_id.deleted', taxId);
    em.store.remove(taxId.id);
    return { id: taxId.id, object: 'tax_id', deleted: true };
  });
}
