import { z } from "zod";
import { isPlainText } from "@/lib/validation/safe-text";

/**
 * The Stripe tax ID types the Billing details form offers, each with its label, an example and a loose
 * format check (Stripe verifies the number itself; this only catches typos before the round trip).
 */
export const TAX_ID_TYPES = {
  eu_vat: { label: "EU VAT number", example: "DE123456789", pattern: /^[A-Z]{2}[0-9A-Z]{2,13}$/ },
  gb_vat: { label: "UK VAT number", example: "GB123456789", pattern: /^GB(\d{9}|\d{12})$/ },
  us_ein: { label: "US EIN", example: "12-3456789", pattern: /^\d{2}-\d{7}$/ },
  au_abn: { label: "Australian ABN", example: "12345678912", pattern: /^\d{11}$/ },
  ca_bn: { label: "Canadian BN", example: "123456789", pattern: /^\d{9}$/ },
  ch_vat: { label: "Swiss VAT number", example: "CHE-123.456.789 MWST", pattern: /^CHE-\d{3}\.\d{3}\.\d{3} (MWST|TVA|IVA)$/ },
  in_gst: { label: "Indian GST number", example: "12ABCDE3456FGZH", pattern: /^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/ },
  no_vat: { label: "Norwegian VAT number", example: "123456789MVA", pattern: /^\d{9}MVA$/ },
} as const;
export type TaxIdType = keyof typeof TAX_ID_TYPES;
const TAX_ID_TYPE_KEYS = Object.keys(TAX_ID_TYPES) as [TaxIdType, ...TaxIdType[]];

/** How a tax ID is compared and sent: spaces removed (one kept inside Swiss numbers), upper case. */
function normalizeTaxId(type: TaxIdType, value: string): string {
  const upper = value.trim().toUpperCase();
  return type === "ch_vat" ? upper.replace(/\s+/g, " ") : upper.replace(/\s+/g, "");
}

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .max(max, `${label} can be at most ${max} characters`)
    .refine(isPlainText, `${label} contains characters that are not allowed`);
const required = (label: string, max: number) => text(label, max).pipe(z.string().min(1, `${label} is required`));
const optional = (label: string, max: number) => text(label, max).optional();

const countrySchema = z
  .string({ error: "Country is required" })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, "Country must be a two-letter ISO code (e.g. DE, US)");
const taxIdTypeSchema = z.union([z.literal(""), z.enum(TAX_ID_TYPE_KEYS, { error: "Choose a supported tax ID type" })]).optional();

/** The tax ID rules both shapes share: a type needs a value (and the reverse), and the value must look like one. */
function checkTaxId(type: TaxIdType | "" | undefined, value: string | undefined, ctx: z.RefinementCtx, paths: { type: string[]; value: string[] }): void {
  if (!type) {
    if (value) ctx.addIssue({ code: "custom", path: paths.type, message: "Choose the type of this tax ID" });
    return;
  }
  if (!value) return ctx.addIssue({ code: "custom", path: paths.value, message: "Enter the tax ID, or choose no tax ID" });
  const spec = TAX_ID_TYPES[type];
  if (!spec.pattern.test(normalizeTaxId(type, value))) {
    ctx.addIssue({ code: "custom", path: paths.value, message: `That does not look like a ${spec.label} (e.g. ${spec.example})` });
  }
}

/** Billing details for invoices (form resolver and server action): legal name, address, optional tax ID. */
export const billingDetailsSchema = z
  .object({
    legalName: required("Legal name", 200),
    line1: required("Address line 1", 200),
    line2: optional("Address line 2", 200),
    city: required("City", 100),
    postalCode: optional("Postal code", 20),
    state: optional("State or region", 100),
    country: countrySchema,
    taxIdType: taxIdTypeSchema,
    taxIdValue: optional("Tax ID", 40),
  })
  .superRefine((d, ctx) => checkTaxId(d.taxIdType, d.taxIdValue, ctx, { type: ["taxIdType"], value: ["taxIdValue"] }));

/** The REST API's shape (`PUT /api/v1/billing/details`): snake_case, the address nested, `tax_id` null for none. */
export const billingDetailsApiSchema = z
  .object({
    legal_name: required("Legal name", 200),
    address: z.object(
      {
        line1: required("Address line 1", 200),
        line2: optional("Address line 2", 200).nullable(),
        city: required("City", 100),
        postal_code: optional("Postal code", 20).nullable(),
        state: optional("State or region", 100).nullable(),
        country: countrySchema,
      },
      { error: "address is required" },
    ),
    tax_id: z
      .object({ type: taxIdTypeSchema, value: optional("Tax ID", 40) })
      .nullable()
      .optional(),
  })
  .superRefine((d, ctx) => checkTaxId(d.tax_id?.type, d.tax_id?.value, ctx, { type: ["tax_id", "type"], value: ["tax_id", "value"] }))
  .transform((d): z.output<typeof billingDetailsSchema> => ({
    legalName: d.legal_name,
    line1: d.address.line1,
    line2: d.address.line2 ?? undefined,
    city: d.address.city,
    postalCode: d.address.postal_code ?? undefined,
    state: d.address.state ?? undefined,
    country: d.address.country,
    taxIdType: d.tax_id?.type,
    taxIdValue: d.tax_id?.value,
  }));

export type BillingDetailsFormInput = z.input<typeof billingDetailsSchema>;

/** What is stored and sent to Stripe: empty strings → null, the tax ID normalized. */
export interface BillingDetails {
  legalName: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string | null;
  state: string | null;
  country: string;
  taxId: { type: TaxIdType; value: string } | null;
}

export function toBillingDetails(input: z.output<typeof billingDetailsSchema>): BillingDetails {
  const type = input.taxIdType || null;
  return {
    legalName: input.legalName,
    line1: input.line1,
    line2: input.line2 || null,
    city: input.city,
    postalCode: input.postalCode || null,
    state: input.state || null,
    country: input.country,
    taxId: type && input.taxIdValue ? { type, value: normalizeTaxId(type, input.taxIdValue) } : null,
  };
}
