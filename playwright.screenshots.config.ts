import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

/** `npm run screenshots`: the README's screenshots, taken from the production build like the e2e suite. */
export default defineConfig({ ...base, testMatch: "**/*.shot.ts" });
