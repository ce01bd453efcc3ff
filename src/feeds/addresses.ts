import ipaddr from "ipaddr.js";

/**
 * Which addresses and ports a feed fetch may connect to. A feed URL, and every redirect a feed's
 * server answers with, could otherwise make Bulletin request its own Redis, the cloud's metadata
 * service (169.254.169.254) or anything else on the private network and report what came back.
 * Addresses are judged as resolved, not by name, and every hop is judged again.
 */

/** What an address is, in words for a feed's last error. */
type Kind = { readonly kind: "public" } | { readonly kind: "private" | "special"; readonly described: string };

/** Private networks: an on-premise feed may live there (FEED_ALLOW_PRIVATE=true). */
const PRIVATE_RANGES: Readonly<Record<string, string>> = {
  loopback: "a loopback address",
  private: "a private address",
  carrierGradeNat: "a shared (carrier-grade NAT) address",
  uniqueLocal: "a private (unique local) address",
  deprecatedSiteLocal: "a private (site-local) address",
};

/** Never a feed server: link-local (the metadata service), unspecified, multicast, broadcast, reserved. */
const SPECIAL_RANGES: Readonly<Record<string, string>> = {
  linkLocal: "a link-local address",
  unspecified: "an unspecified address",
  multicast: "a multicast address",
  broadcast: "a broadcast address",
  reserved: "a reserved address",
};

const NAT64_PREFIX = ipaddr.IPv6.parse("64:ff9b::");

/** The IPv4 address an IPv6 one stands for: IPv4-mapped (::ffff:a.b.c.d), translated, NAT64 (64:ff9b::a.b.c.d). */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = address.range() as string;
  const wellKnownNat64 = range === "rfc6052" && address.match(NAT64_PREFIX, 96);
  if (range !== "ipv4Mapped" && range !== "rfc6145" && !wellKnownNat64) return undefined;
  const [, , , , , , high = 0, low = 0] = address.parts;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function kindOf(address: ipaddr.IPv4 | ipaddr.IPv6): Kind {
  if (address.kind() === "ipv6") {
    const v6 = address as ipaddr.IPv6;
    const v4 = embeddedIPv4(v6);
    if (v4) return kindOf(v4);
    // ::a.b.c.d, the deprecated IPv4-compatible form (:: and ::1 are classified below).
    if (v6.parts.slice(0, 6).every((part) => part === 0) && v6.range() === "unicast") {
      return { kind: "special", described: "an IPv4-compatible IPv6 address" };
    }
  }
  const range = address.range() as string;
  if (range === "unicast") return { kind: "public" };
  const privateKind = PRIVATE_RANGES[range];
  if (privateKind) return { kind: "private", described: privateKind };
  return { kind: "special", described: SPECIAL_RANGES[range] ?? "a special-purpose address" };
}

/**
 * Why a fetch may not connect to an address, as "a loopback address (…)", or undefined when it may.
 * Private networks are allowed with `allowPrivate`; link-local, multicast and the like never are.
 */
export function refusalOf(address: string, allowPrivate: boolean): string | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return "not an IP address";
  }
  const kind = kindOf(parsed);
  if (kind.kind === "public" || (kind.kind === "private" && allowPrivate)) return undefined;
  return kind.kind === "private" ? `${kind.described} (FEED_ALLOW_PRIVATE=true allows private networks)` : kind.described;
}

/**
 * Ports browsers refuse to fetch from (the Fetch standard's "bad ports": mail, SSH, DNS, …), and
 * Redis's, on any host: they speak other protocols, and a request to them is an attack on them.
 */
export const REFUSED_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117,
  119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636,
  989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6379, 6566, 6665, 6666, 6667, 6668, 6669, 6697, 10080,
]);

/** Why a URL's port is refused, or undefined. `extra`: more ports (the configured Redis's). */
export function portRefusalOf(url: URL, extra: readonly number[] = []): string | undefined {
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  if (port === 6379 || extra.includes(port)) return `port ${port} is Redis's`;
  return REFUSED_PORTS.has(port) ? `port ${port} is not for web servers` : undefined;
}
