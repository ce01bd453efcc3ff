/**
 * REDIS_CLUSTER_NODES (issue 17): one readable line per problem, in the environment and at start
 * when the nodes cannot serve.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/runtime.js";
import { loadCliConfig, loadConfig } from "../../src/config/env.js";
import { ConfigError } from "../../src/config/errors.js";
import { createLogger } from "../../src/log.js";
import { queuePrefixOf } from "../../src/queues.js";
import { configProblems } from "../support/config-problems.js";
import { CATEGORIES_FILE, REDIS_URL } from "../support/stack.js";

const BOT_TOKEN = "123456789:AAF-test-token-for-config-tests_x";
const problemsOf = (env: Record<string, string>) => configProblems(() => loadConfig(env), `the environment ${JSON.stringify(env)}`);

describe("REDIS_CLUSTER_NODES", () => {
  it("takes host:port seed nodes, IPv6 in brackets", () => {
    const config = loadConfig({ BOT_TOKEN, REDIS_CLUSTER_NODES: "10.0.0.1:7000, redis-b.internal:7001,[::1]:7002" });
    expect(config.redisClusterNodes).toEqual([
      { host: "10.0.0.1", port: 7000 },
      { host: "redis-b.internal", port: 7001 },
      { host: "::1", port: 7002 },
    ]);
    expect(config.redisUrl).toBeUndefined();
    expect(loadConfig({ BOT_TOKEN }).redisClusterNodes).toBeUndefined();
  });

  it("reports each malformed or repeated node on a line of its own", () => {
    expect(problemsOf({ BOT_TOKEN, REDIS_CLUSTER_NODES: "10.0.0.1,10.0.0.2:99999,10.0.0.3:7000,10.0.0.3:7000,redis://x:1" })).toEqual([
      "REDIS_CLUSTER_NODES: 10.0.0.1 is not host:port, like 10.0.0.1:7000",
      "REDIS_CLUSTER_NODES: 10.0.0.2:99999: the port must be 1 to 65535",
      "REDIS_CLUSTER_NODES: 10.0.0.3:7000 is listed twice",
      "REDIS_CLUSTER_NODES: redis://x:1 is not host:port, like 10.0.0.1:7000",
    ]);
    expect(problemsOf({ BOT_TOKEN, REDIS_CLUSTER_NODES: " , " })).toEqual([
      "REDIS_CLUSTER_NODES: must list host:port of at least one cluster node",
    ]);
  });

  it("is refused together with REDIS_URL, and with a hash tag in KEY_PREFIX, in the app and in the CLI", () => {
    const both = { BOT_TOKEN, REDIS_URL: "redis://10.0.0.9:6379", REDIS_CLUSTER_NODES: "10.0.0.1:7000", KEY_PREFIX: "{news}" };
    const lines = [
      "REDIS_CLUSTER_NODES: is set together with REDIS_URL: a deployment runs on one Redis (REDIS_URL) or on a cluster (REDIS_CLUSTER_NODES); unset one",
      "KEY_PREFIX: must not hold { or } with REDIS_CLUSTER_NODES: a hash tag in the prefix would put every key in one slot",
    ];
    expect(problemsOf(both)).toEqual(lines);
    expect(configProblems(() => loadCliConfig(both), "the CLI's environment")).toEqual(lines);
  });

  it("puts BullMQ's keys under one hash tag on a cluster only", () => {
    expect(queuePrefixOf("bulletin", true)).toBe("{bulletin}");
    expect(queuePrefixOf("bulletin", false)).toBe("bulletin");
  });
});

describe("a cluster that cannot serve at start", () => {
  const logger = createLogger("silent");
  const started: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const runtime of started) await runtime.close();
  });

  const startupProblems = async (nodes: string): Promise<readonly string[]> => {
    try {
      started.push(await createRuntime(loadConfig({ BOT_TOKEN, REDIS_CLUSTER_NODES: nodes, CATEGORIES_FILE }), logger));
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error(`start-up on ${nodes} succeeded`);
  };

  it("stops with one line per node that does not answer", async () => {
    const problems = await startupProblems("127.0.0.1:1,127.0.0.1:2");
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^REDIS_CLUSTER_NODES: 127\.0\.0\.1:1 does not answer \(connection refused\)$/);
    expect(problems[1]).toMatch(/^REDIS_CLUSTER_NODES: 127\.0\.0\.1:2 does not answer \(/);
  });

  it("says so when a node is a Redis without cluster mode", async () => {
    const { hostname: host, port } = new URL(REDIS_URL);
    expect(await startupProblems(`${host}:${port}`)).toEqual([
      `REDIS_CLUSTER_NODES: ${host}:${port} is a Redis without cluster mode (cluster-enabled no)`,
    ]);
  });
});
