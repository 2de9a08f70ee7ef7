export * from "./auth";
export * from "./organizations";
export * from "./api-keys";
export * from "./ledger";
export * from "./billing";
export * from "./recharge";
export * from "./notifications";
export * from "./usage-peaks";
