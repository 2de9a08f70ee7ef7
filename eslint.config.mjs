// ESLint (flat config): typescript-eslint's recommended rules (syntactic only — no type-aware rules: `tsc` already
// type-checks, and a typed lint run costs minutes on a 2-core CI machine), React's hook rules, Next's rules for app code.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: ["node_modules/", ".next/", "dist/", ".next-*/", ".data/", "test-results/", "playwright-report/", "bench/results/", "next-env.d.ts", "drizzle/"],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,mts,cts}"],
    rules: {
      // `tsc` reports undefined names with better messages; core no-undef does not understand TypeScript globals.
      "no-undef": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { prefer: "type-imports", fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      "@typescript-eslint/no-import-type-side-effects": "error",
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-console": "off",
      "prefer-const": "error",
      "no-var": "error",
      "object-shorthand": ["error", "properties"],
      "no-throw-literal": "error",
    },
  },
  {
    // Libraries log through pino (lib/log.ts); console output belongs to scripts, tests and the emulator's launcher.
    files: ["lib/**/*.{ts,tsx}"],
    ignores: ["lib/**/*.test.ts"],
    rules: { "no-console": "error" },
  },
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    plugins: { "@next/next": nextPlugin, "react-hooks": reactHooks },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs["core-web-vitals"].rules,
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
    },
  },
  {
    files: ["**/*.{js,mjs,cjs}"],
    languageOptions: { globals: { process: "readonly", console: "readonly", module: "writable", require: "readonly", __dirname: "readonly" } },
  },
);
