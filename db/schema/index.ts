export * from "./auth";
export * from "./organizations";
export * from "./api-keys";
export * from "./ledger";
