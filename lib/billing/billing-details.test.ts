import { describe, expect, it } from "vitest";
import { billingDetailsApiSchema, billingDetailsSchema, toBillingDetails } from "./billing-details";

const base = { legalName: "Acme Voice GmbH", line1: "Torstraße 1", city: "Berlin", postalCode: "10119", country: "de" };

describe("billingDetailsSchema", () => {
  it.each([
    ["no tax ID", {}, null],
    ["eu_vat with spaces", { taxIdType: "eu_vat", taxIdValue: "de 123 456 789" }, { type: "eu_vat", value: "DE123456789" }],
    ["gb_vat", { taxIdType: "gb_vat", taxIdValue: "GB123456789" }, { type: "gb_vat", value: "GB123456789" }],
    ["us_ein", { taxIdType: "us_ein", taxIdValue: "12-3456789" }, { type: "us_ein", value: "12-3456789" }],
    ["au_abn", { taxIdType: "au_abn", taxIdValue: "12 345 678 912" }, { type: "au_abn", value: "12345678912" }],
    ["ch_vat keeps its space", { taxIdType: "ch_vat", taxIdValue: "che-123.456.789  mwst" }, { type: "ch_vat", value: "CHE-123.456.789 MWST" }],
    ["empty type = none", { taxIdType: "", taxIdValue: "" }, null],
  ])("accepts %s", (_, extra, taxId) => {
    const parsed = billingDetailsSchema.safeParse({ ...base, ...extra });
    expect(parsed.success).toBe(true);
    const details = toBillingDetails(parsed.data!);
    expect(details.taxId).toEqual(taxId);
    expect(details).toMatchObject({ country: "DE", line2: null, state: null });
  });

  it.each([
    ["missing legal name", { legalName: "  " }, "legalName"],
    ["missing line1", { line1: "" }, "line1"],
    ["missing city", { city: undefined }, "city"],
    ["three-letter country", { country: "DEU" }, "country"],
    ["unknown tax type", { taxIdType: "xx_vat", taxIdValue: "1" }, "taxIdType"],
    ["bad eu_vat", { taxIdType: "eu_vat", taxIdValue: "123" }, "taxIdValue"],
    ["bad us_ein", { taxIdType: "us_ein", taxIdValue: "123456789" }, "taxIdValue"],
    ["type without value", { taxIdType: "gb_vat" }, "taxIdValue"],
    ["value without type", { taxIdValue: "GB123456789" }, "taxIdType"],
    ["NUL in name", { legalName: "Acme\u0000" }, "legalName"],
    ["name too long", { legalName: "x".repeat(201) }, "legalName"],
  ])("refuses %s", (_, extra, field) => {
    const parsed = billingDetailsSchema.safeParse({ ...base, ...extra });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join("."))).toContain(field);
  });
});

describe("billingDetailsApiSchema", () => {
  const api = { legal_name: "Acme", address: { line1: "1 Main St", city: "Austin", state: "TX", postal_code: "78701", country: "us" } };
  it("maps the API shape to the form's", () => {
    const parsed = billingDetailsApiSchema.safeParse({ ...api, tax_id: { type: "us_ein", value: "12-3456789" } });
    expect(toBillingDetails(parsed.data!)).toMatchObject({ legalName: "Acme", country: "US", state: "TX", taxId: { type: "us_ein", value: "12-3456789" } });
    expect(toBillingDetails(billingDetailsApiSchema.parse({ ...api, tax_id: null })).taxId).toBeNull();
  });
  it.each([
    ["no address", { address: undefined }, "address"],
    ["bad tax id", { tax_id: { type: "gb_vat", value: "12" } }, "tax_id.value"],
    ["missing city", { address: { ...api.address, city: "" } }, "address.city"],
  ])("refuses %s with the dotted path", (_, extra, field) => {
    const parsed = billingDetailsApiSchema.safeParse({ ...api, ...extra });
    expect(parsed.error!.issues.map((i) => i.path.join("."))).toContain(field);
  });
});
