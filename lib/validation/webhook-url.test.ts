import { describe, expect, it } from "vitest";
import { endpointUrlProblem, isLoopbackHost, isPublicAddress, refusedAddresses } from "./webhook-url";

describe("isPublicAddress", () => {
  it.each<[string, boolean]>([
    ["93.184.215.14", true],
    ["8.8.8.8", true],
    ["1.1.1.1", true],
    ["127.0.0.1", false],
    ["127.255.0.9", false],
    ["10.1.2.3", false],
    ["172.16.0.1", false],
    ["172.31.255.255", false],
    ["172.32.0.1", true],
    ["192.168.1.1", false],
    ["169.254.169.254", false], // cloud metadata
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["224.0.0.1", false],
    ["255.255.255.255", false],
    ["198.18.0.1", false],
    ["2606:4700:4700::1111", true],
    ["2a00:1450:4001:80b::200e", true],
    ["::1", false],
    ["::", false],
    ["::ffff:127.0.0.1", false], // IPv4-mapped
    ["::ffff:7f00:1", false],
    ["64:ff9b::a00:1", false], // NAT64
    ["fc00::1", false], // unique-local
    ["fd12:3456::1", false],
    ["fe80::1", false], // link-local
    ["ff02::1", false], // multicast
    ["2001:db8::1", false], // documentation
    ["2002:7f00:1::", false], // 6to4 of 127.0.0.1
    ["not-an-ip", false],
  ])("%s → %s", (ip, expected) => {
    expect(isPublicAddress(ip)).toBe(expected);
  });
});

describe("isLoopbackHost", () => {
  it.each<[string, boolean]>([
    ["localhost", true],
    ["LOCALHOST", true],
    ["app.localhost", true],
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["[::1]", true],
    ["example.com", false],
    ["localhost.example.com", false],
    ["10.0.0.1", false],
  ])("%s → %s", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe("endpointUrlProblem", () => {
  const prod = { allowPrivate: false };
  const dev = { allowPrivate: true };
  it.each<[string, { allowPrivate: boolean }, string | null]>([
    ["https://example.com/hooks", prod, null],
    ["https://93.184.215.14/hooks", prod, null],
    ["http://example.com/hooks", prod, "The URL must use https://."],
    ["http://localhost:4000/hooks", prod, "The URL must use https://."],
    ["https://localhost/hooks", prod, "The URL must point to a public address (not a private, loopback or link-local one)."],
    ["https://127.0.0.1/hooks", prod, "The URL must point to a public address (not a private, loopback or link-local one)."],
    ["https://2130706433/hooks", prod, "The URL must point to a public address (not a private, loopback or link-local one)."], // 127.0.0.1 as a number
    ["https://[::1]/hooks", prod, "The URL must point to a public address (not a private, loopback or link-local one)."],
    ["https://[::ffff:169.254.169.254]/", prod, "The URL must point to a public address (not a private, loopback or link-local one)."],
    ["https://169.254.169.254/latest/meta-data", prod, "The URL must point to a public address (not a private, loopback or link-local one)."],
    ["https://10.0.0.5/", prod, "The URL must point to a public address (not a private, loopback or link-local one)."],
    ["https://intranet/", prod, "The URL must point to a public address (not a private, loopback or link-local one)."],
    ["http://localhost:4000/hooks", dev, null],
    ["http://127.0.0.1:4000/hooks", dev, null],
    ["http://[::1]:4000/hooks", dev, null],
    ["https://10.0.0.5/", dev, null],
    ["http://10.0.0.5/", dev, "Use https://; http:// is allowed only for localhost."],
    ["http://example.com/", dev, "Use https://; http:// is allowed only for localhost."],
    ["ftp://example.com/", dev, "The URL must use https://."],
    ["javascript:alert(1)", dev, "The URL must use https://."],
    ["example.com/hooks", dev, "Enter a full URL, such as https://example.com/webhooks."],
    ["https://user:pw@example.com/", prod, "The URL must not contain a user name or password."],
    [`https://example.com/${"a".repeat(2100)}`, prod, "The URL must be at most 2048 characters."],
  ])("%s (%o) → %s", (url, opts, expected) => {
    expect(endpointUrlProblem(url, opts)).toBe(expected);
  });
});

describe("refusedAddresses", () => {
  it("refuses any non-public address in production, none outside it", () => {
    expect(refusedAddresses(["93.184.215.14", "10.0.0.1"], { allowPrivate: false })).toEqual(["10.0.0.1"]);
    expect(refusedAddresses(["93.184.215.14"], { allowPrivate: false })).toEqual([]);
    expect(refusedAddresses(["127.0.0.1"], { allowPrivate: true })).toEqual([]);
  });
});
