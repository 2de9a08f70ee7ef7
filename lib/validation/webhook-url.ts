import { BlockList, isIP } from "node:net";

/**
 * Webhook endpoint URLs and the addresses they may reach (SSRF), pure (Node's `BlockList`, no I/O).
 * `allowPrivate` is false in production: an endpoint must be `https://` and every address its host
 * resolves to public. Outside production `http://` is also allowed, to loopback hosts only, and private
 * addresses pass (a receiver on this machine or the LAN).
 */

/** Ranges that are not the public internet (IANA special-purpose registries, RFC 6890 and successors). */
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata: 169.254.169.254)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, "ipv4");
}
/** IPv6: only global unicast (2000::/3) is public, minus its special blocks. */
const IPV6_GLOBAL = new BlockList();
IPV6_GLOBAL.addSubnet("2000::", 3, "ipv6");
for (const [net, prefix] of [
  ["2001::", 23], // IETF protocol assignments (Teredo, ORCHID, …)
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4 (embeds an IPv4 address, possibly private)
  ["3fff::", 20], // documentation
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, "ipv6");
}

/** Whether `ip` (a literal IPv4 or IPv6 address) is a public unicast address. Anything else is false. */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return !NOT_PUBLIC.check(ip, "ipv4");
  // everything outside 2000::/3 is loopback, unspecified, IPv4-mapped/translated, unique-local, link-local, multicast…
  if (family === 6) return IPV6_GLOBAL.check(ip, "ipv6") && !NOT_PUBLIC.check(ip, "ipv6");
  return false;
}

/** `localhost`, `*.localhost`, 127.0.0.0/8 and ::1 — the hosts `http://` may name outside production. */
export function isLoopbackHost(hostname: string): boolean {
  const h = bareHost(hostname).toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return h === "::1";
}

/** `[::1]` → `::1` (WHATWG URL keeps IPv6 hosts bracketed). */
export function bareHost(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

const MAX_URL_LENGTH = 2048;

/** The URL's shape: null when acceptable, else the message to show. Addresses are checked after DNS (`refusedAddresses`). */
export function endpointUrlProblem(raw: string, opts: { allowPrivate: boolean }): string | null {
  if (raw.length > MAX_URL_LENGTH) return `The URL must be at most ${MAX_URL_LENGTH} characters.`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Enter a full URL, such as https://example.com/webhooks.";
  }
  if (url.username || url.password) return "The URL must not contain a user name or password.";
  if (url.protocol === "http:") {
    if (!opts.allowPrivate) return "The URL must use https://.";
    if (!isLoopbackHost(url.hostname)) return "Use https://; http:// is allowed only for localhost.";
  } else if (url.protocol !== "https:") {
    return "The URL must use https://.";
  }
  const host = bareHost(url.hostname);
  if (!opts.allowPrivate && (isIP(host) ? !isPublicAddress(host) : isLoopbackHost(host) || !host.includes("."))) {
    return "The URL must point to a public address (not a private, loopback or link-local one).";
  }
  return null;
}

/** The resolved addresses that make a host unreachable for webhooks (none when private ones are allowed). */
export function refusedAddresses(addresses: readonly string[], opts: { allowPrivate: boolean }): string[] {
  return opts.allowPrivate ? [] : addresses.filter((a) => !isPublicAddress(a));
}
