import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { postWebhook } from "@/lib/webhooks-out/send";

/** One HTTP attempt: the time limit, a refused connection, a host that does not resolve — never a throw. */
let hanging: http.Server;
let url: string;
beforeAll(async () => {
  hanging = http.createServer(() => {}); // reads the request, never answers
  await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  hanging.closeAllConnections();
  await new Promise<void>((resolve) => hanging.close(() => resolve()));
});

const send = (u: string, timeoutMs = 300) => postWebhook({ url: u, body: "{}", headers: {}, allowPrivate: true, timeoutMs });

it("no answer within the time limit is a failure with no status", async () => {
  const r = await send(url);
  expect(r).toMatchObject({ status: null, error: "Timed out after 0.3 s" });
  expect(r.durationMs).toBeGreaterThanOrEqual(290);
});

it("a refused connection and an unknown host are failures, not exceptions", async () => {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  expect(await send(`http://127.0.0.1:${port}/`)).toMatchObject({ status: null, error: expect.stringMatching(/^ECONNREFUSED/) });
  expect(await send("https://no-such-host.invalid/", 5000)).toMatchObject({
    status: null,
    error: expect.stringMatching(/^DNS lookup of no-such-host.invalid failed/),
  });
});
