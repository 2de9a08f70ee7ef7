import { pgEnum, pgTable, primaryKey, text, timestamp, uuid, index } from "drizzle-orm/pg-core";
import { PLAN_IDS } from "../../lib/billing/plans";
import { users } from "./auth";

export const planIdEnum = pgEnum("plan_id", PLAN_IDS);
export const memberRoleEnum = pgEnum("member_role", ["owner", "editor"]);

/** A customer of Refill's customer: the tenant. Every query on tenant data filters by `org_id`. */
export const organizations = pgTable("organizations", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  plan: planIdEnum("plan").notNull().default("free"),
  /** IANA time zone for calendar months (caps, spending limits). */
  timeZone: text("time_zone").notNull().default("UTC"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const memberships = pgTable(
  "memberships",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: memberRoleEnum("role").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

export type Organization = typeof organizations.$inferSelect;
export type MemberRole = (typeof memberRoleEnum.enumValues)[number];
