import { bigint, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * Usage per org, meter and hour (UTC; the hour the usage occurred: its `timestamp`, else when it was debited),
 * maintained by the ledger's debit statement beside `usage_hourly`: the Billing page's usage by meter and
 * `GET /api/v1/usage/summary?group_by=meter` read rows per hour and meter, however busy the org is.
 */
export const usageMeterHourly = pgTable(
  "usage_meter_hourly",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    meter: text("meter").notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    units: bigint("units", { mode: "number" }).notNull(),
    credits: bigint("credits", { mode: "number" }).notNull(),
    events: integer("events").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.meter, t.hour] }), index("usage_meter_hourly_org_hour_idx").on(t.orgId, t.hour)],
);

/** Usage per org, property key, property value and hour — each reported property of a usage event counts once. */
export const usagePropertyHourly = pgTable(
  "usage_property_hourly",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    value: text("value").notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    units: bigint("units", { mode: "number" }).notNull(),
    credits: bigint("credits", { mode: "number" }).notNull(),
    events: integer("events").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.key, t.value, t.hour] }), index("usage_property_hourly_org_key_hour_idx").on(t.orgId, t.key, t.hour)],
);
