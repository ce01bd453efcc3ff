import ipaddr from "ipaddr.js";

/**
 * Names and small checks that the environment's schema (env.ts) and its rules across variables
 * (rules.ts) both use: the roles, the sandbox's key prefix, loopback hosts, a cluster node. Modules
 * that need only these import them from here, without the schema.
 */

export const ROLE_NAMES = ["bot", "workers", "http", "feeds"] as const;
export type Role = (typeof ROLE_NAMES)[number];

/**
 * Every sandbox's keys start with this, and only a sandbox's may: a sandbox deletes its keys at each
 * start (src/sandbox/start.ts), so a deployment's KEY_PREFIX may not begin like that.
 */
export const SANDBOX_KEY_PREFIX = "bulletin-sandbox";

/** Whether a key prefix is a sandbox's: `bulletin-sandbox`, `bulletin-sandbox-alice`… */
export function isSandboxKeyPrefix(prefix: string): boolean {
  return prefix.startsWith(SANDBOX_KEY_PREFIX);
}

/**
 * Whether a listening address or a name in a Host header is this machine only: `localhost`,
 * 127.0.0.0/8, ::1 (bracketed or not) and their IPv4-mapped forms. 0.0.0.0 and :: are every
 * interface, so not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (name === "localhost" || name === "localhost.") return true;
  if (!ipaddr.isValid(name)) return false;
  const address = ipaddr.process(name);
  return address.range() === "loopback";
}

/** One Redis Cluster node to start from (ioredis learns the others from it). */
export interface RedisNode {
  readonly host: string;
  readonly port: number;
}
