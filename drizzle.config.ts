import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./drizzle",
  dbCredentials: { url: "postgres://postgres@127.0.0.1:5432/postgres" }, // only for `drizzle-kit studio`
});
