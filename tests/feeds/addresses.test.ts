import { describe, expect, it } from "vitest";
import { portRefusalOf, refusalOf } from "../../src/feeds/addresses.js";

const HINT = " (FEED_ALLOW_PRIVATE=true allows private networks)";

describe("the addresses a feed may be fetched from", () => {
  it("public IPv4 and IPv6 addresses, also in their IPv4-mapped and NAT64 forms, are fine", () => {
    for (const address of ["93.184.215.14", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:93.184.215.14", "64:ff9b::5db8:d70e"]) {
      expect(refusalOf(address, false), address).toBeUndefined();
    }
  });

  it("private networks are refused unless FEED_ALLOW_PRIVATE=true", () => {
    const privateOnes: [string, string][] = [
      ["127.0.0.1", "a loopback address"],
      ["127.255.255.254", "a loopback address"],
      ["10.1.2.3", "a private address"],
      ["172.16.0.1", "a private address"],
      ["172.31.255.255", "a private address"],
      ["192.168.1.1", "a private address"],
      ["100.64.0.1", "a shared (carrier-grade NAT) address"],
      ["::1", "a loopback address"],
      ["fc00::1", "a private (unique local) address"],
      ["fd12:3456::1", "a private (unique local) address"],
      ["::ffff:127.0.0.1", "a loopback address"],
      ["::ffff:10.0.0.1", "a private address"],
      ["64:ff9b::c0a8:101", "a private address"],
    ];
    for (const [address, what] of privateOnes) {
      expect(refusalOf(address, false), address).toBe(`${what}${HINT}`);
      expect(refusalOf(address, true), address).toBeUndefined();
    }
  });

  it("link-local (the metadata service), unspecified, multicast, broadcast and reserved addresses are refused always", () => {
    const special: [string, string][] = [
      ["169.254.169.254", "a link-local address"],
      ["0.0.0.0", "an unspecified address"],
      ["0.1.2.3", "an unspecified address"],
      ["192.0.0.8", "a reserved address"],
      ["198.18.0.1", "a reserved address"],
      ["198.19.255.255", "a reserved address"],
      ["224.0.0.1", "a multicast address"],
      ["239.255.255.250", "a multicast address"],
      ["240.0.0.1", "a reserved address"],
      ["255.255.255.255", "a broadcast address"],
      ["::", "an unspecified address"],
      ["fe80::1", "a link-local address"],
      ["fe80::1%eth0", "a link-local address"],
      ["ff02::1", "a multicast address"],
      ["::ffff:169.254.169.254", "a link-local address"],
      ["::ffff:0:a9fe:a9fe", "a link-local address"],
      ["64:ff9b::a9fe:a9fe", "a link-local address"],
      ["64:ff9b:1::a9fe:a9fe", "a special-purpose address"],
      ["::7f00:1", "an IPv4-compatible IPv6 address"],
      ["2001:db8::1", "a reserved address"],
      ["2002:7f00:1::1", "a special-purpose address"],
    ];
    for (const [address, what] of special) {
      expect(refusalOf(address, false), address).toBe(what);
      expect(refusalOf(address, true), address).toBe(what);
    }
    expect(refusalOf("localhost", true)).toBe("not an IP address");
  });

  it("Redis's port, the configured Redis's and the ports browsers refuse are refused on any host", () => {
    expect(portRefusalOf(new URL("http://feeds.example.com:6379/"))).toBe("port 6379 is Redis's");
    expect(portRefusalOf(new URL("http://feeds.example.com:6380/"), [6380])).toBe("port 6380 is Redis's");
    expect(portRefusalOf(new URL("http://feeds.example.com:25/"))).toBe("port 25 is not for web servers");
    for (const url of [
      "http://feeds.example.com/",
      "https://feeds.example.com/",
      "http://feeds.example.com:8080/",
      "https://x.example:8443/",
    ]) {
      expect(portRefusalOf(new URL(url)), url).toBeUndefined();
    }
  });
});
