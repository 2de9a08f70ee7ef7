// The architecture's layers, checked by `npm run check:layers` (dependency-cruiser) in `npm test`.
//   app → components → lib → db, never upwards; lib/billing is pure rules; lib/stripe is a leaf adapter;
//   stripe-emulator/ stands apart (the app talks to it over HTTP only).
// Each rule names the modules it forbids; a rule's `comment` is the message a violation prints.

/**
 * Pure leaf helpers lib/billing may use besides itself: the one zod → field-errors mapper and the display
 * formatters (Intl only), the storable-text check. Rule `pure-helpers-stay-pure` keeps them free of anything but lib/billing.
 */
const PURE_HELPERS = "^lib/(validation/(field-errors|safe-text)|format)\\.ts$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A dependency cycle: split the shared part into a module both can import.",
      from: {},
      // A type-only edge vanishes at run time; a dynamic import() is the deliberate late binding of a registry
      // (lib/jobs/queue.ts loads the job handlers when a job runs, and the handlers enqueue jobs).
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only", "dynamic-import"] } },
    },
    {
      name: "lib-not-to-app-or-components",
      severity: "error",
      comment: "lib/ is below app/ and components/: move what it needs (schemas, messages, types) into lib/.",
      from: { path: "^lib/" },
      to: { path: "^(app|components)/" },
    },
    {
      name: "db-only-to-env-and-billing",
      severity: "error",
      comment: "db/ is the bottom layer: it may use lib/env (the URL) and lib/billing (enum values), nothing else above it.",
      from: { path: "^db/" },
      to: { path: "^(app|components|lib)/", pathNot: "^lib/(env\\.ts|billing/)" },
    },
    {
      name: "components-not-to-domain",
      severity: "error",
      comment: "Components render; data and effects come from pages and actions. No ledger, recharge, jobs, Stripe or database in components/.",
      from: { path: "^components/" },
      to: { path: "^(db/|lib/(ledger|recharge|jobs|stripe)/)" },
    },
    {
      name: "components-not-to-app",
      severity: "error",
      comment: "components/ is below app/: pass what a component needs as props.",
      from: { path: "^components/" },
      to: { path: "^app/" },
    },
    {
      name: "billing-is-pure",
      severity: "error",
      comment: "lib/billing holds pure rules: no database, no Stripe, no other lib module (give it the facts as arguments).",
      from: { path: "^lib/billing/", pathNot: "\\.test\\.ts$" },
      to: {
        pathNot: ["^lib/billing/", PURE_HELPERS, "^node_modules/(zod|date-fns|@date-fns)/"],
        dependencyTypesNot: ["core"],
      },
    },
    {
      name: "pure-helpers-stay-pure",
      severity: "error",
      comment: "lib/billing uses this helper, so it must stay pure: nothing but lib/billing and Node's core.",
      from: { path: PURE_HELPERS },
      to: { pathNot: "^lib/billing/", dependencyTypesNot: ["core"] },
    },
    {
      name: "billing-no-node-io",
      severity: "error",
      comment: "lib/billing holds pure rules: no I/O modules.",
      from: { path: "^lib/billing/" },
      to: { dependencyTypes: ["core"], path: "^(fs|net|http|https|child_process|node:(fs|net|http|https|child_process))" },
    },
    {
      name: "stripe-is-a-leaf",
      severity: "error",
      comment:
        "lib/stripe is the Stripe adapter: it calls Stripe and mirrors its state, and never reaches into recharge, ledger or plans (those react to what it returns).",
      from: { path: "^lib/stripe/" },
      to: { path: "^lib/(recharge|ledger|plans)/" },
    },
    {
      name: "emulator-stands-apart",
      severity: "error",
      comment: "The app reaches stripe-emulator/ over HTTP only (the launcher and tests spawn it by path).",
      from: { pathNot: "^stripe-emulator/" },
      to: { path: "^stripe-emulator/" },
    },
    {
      name: "emulator-imports-no-app-code",
      severity: "error",
      comment: "stripe-emulator/ is a stand-alone Stripe: it imports nothing from the app.",
      from: { path: "^stripe-emulator/" },
      to: { pathNot: "^(stripe-emulator/|node_modules/)", dependencyTypesNot: ["core"] },
    },
    {
      name: "product-not-to-tests",
      severity: "error",
      comment: "Product code never imports test support.",
      from: { path: "^(app|components|lib|db)/", pathNot: "\\.test\\.tsx?$" },
      to: { path: "^(test|e2e|bench)/" },
    },
    {
      name: "product-not-to-dev-deps",
      severity: "error",
      comment: "Product code imports only `dependencies` (devDependencies are not installed in production).",
      from: { path: "^(app|components|lib|db)/", pathNot: "\\.test\\.tsx?$" },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import that does not resolve.",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(\\.next|\\.next-.*|\\.data|drizzle|test-results|playwright-report)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
