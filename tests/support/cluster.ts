import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { LISTPACK_ARGS } from "../../src/redis.js";

/** Why the cluster stories cannot run here, or undefined when they can. */
export function clusterUnavailable(): string | undefined {
  for (const tool of ["redis-server", "redis-cli"]) {
    if (spawnSync(tool, ["--version"]).status !== 0) {
      return `${tool} is not installed: the Redis Cluster stories start a cluster of their own (apt-get install redis-server)`;
    }
  }
  return undefined;
}

export interface ClusterNode {
  readonly port: number;
  child: ChildProcess | undefined;
}

export interface TestCluster {
  readonly nodes: readonly ClusterNode[];
  /** `127.0.0.1:p,127.0.0.1:q,…`: REDIS_CLUSTER_NODES for Bulletin. */
  readonly seeds: string;
  /** A plain connection to one node. */
  connect(port: number): Redis;
  /** The port of the master serving `key`'s slot now. */
  masterOf(key: string): Promise<number>;
  /** The ports of the masters now. */
  masters(): Promise<number[]>;
  /** SIGKILL one node (a machine lost: nothing written after its last fsync survives on it). */
  kill(port: number): void;
  /** Waits until a replica has taken over the slots of the killed master `port`, and the cluster is ok. */
  waitForFailover(port: number, timeoutMs?: number): Promise<void>;
  /** Waits until every live node reports cluster_state:ok and sees no failed master serving slots. */
  waitUntilOk(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Two free ports `p` and `p + 10000` (the cluster bus), for each of `count` nodes. */
async function sparePorts(count: number): Promise<number[]> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
  const ports: number[] = [];
  let port = 21000 + Math.floor(Math.random() * 20000);
  while (ports.length < count) {
    if ((await free(port)) && (await free(port + 10000))) ports.push(port);
    port++;
  }
  return ports;
}

/** What `check` finds on the redis-server at `port`, over a connection of its own; false when it does not answer. */
async function probe(port: number, check: (redis: Redis) => Promise<boolean>): Promise<boolean> {
  const redis = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    return await check(redis);
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

const answers = (port: number) => probe(port, async (redis) => (await redis.ping()) === "PONG");

/** A replica whose link to its master is up (it has synced). */
const replicaInSync = (port: number) =>
  probe(port, async (redis) => String(await redis.info("replication")).includes("master_link_status:up"));

/** A redis-server on `port`, its files in `dir`: append-only file on, no snapshots, noeviction, as Bulletin asks. */
function spawnNode(port: number, dir: string, extra: readonly string[]): ChildProcess {
  return spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--appendonly",
      "yes",
      "--save",
      "",
      "--maxmemory-policy",
      "noeviction",
      ...LISTPACK_ARGS,
      ...extra,
    ],
    { stdio: "ignore" },
  );
}

/**
 * One redis-server of its own, set up as each cluster node is (append-only file, noeviction) but
 * without cluster mode, with a replica in sync when asked: what a cluster is compared with
 * (bench/cluster.ts).
 */
export async function startStandalone(options: { readonly replica?: boolean } = {}): Promise<{ readonly port: number; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "bulletin-standalone-"));
  const [port, replicaPort] = await sparePorts(options.replica ? 2 : 1);
  const child = spawnNode(port!, dir, []);
  let replica: ChildProcess | undefined;
  if (replicaPort !== undefined) {
    const replicaDir = join(dir, "replica");
    mkdirSync(replicaDir);
    replica = spawnNode(replicaPort, replicaDir, ["--replicaof", "127.0.0.1", String(port)]);
  }
  const stop = () => {
    child.kill("SIGKILL");
    replica?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if ((await answers(port!)) && (replicaPort === undefined || (await replicaInSync(replicaPort)))) return { port: port!, stop };
    await sleep(50);
  }
  stop();
  throw new Error(`redis-server on ${port} did not answer within 5 s`);
}

/**
 * A real Redis Cluster of redis-server processes on spare ports: `masters` masters, each with
 * `replicas` replicas (one unless told), append-only files in a temporary folder. A short node timeout (2 s) makes a
 * failover take a few seconds instead of fifteen.
 */
export async function startCluster(masters = 3, replicas: 0 | 1 = 1): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), "bulletin-cluster-"));
  const ports = await sparePorts(masters * (1 + replicas));
  const nodes: ClusterNode[] = ports.map((port) => {
    const nodeDir = join(dir, String(port));
    mkdirSync(nodeDir);
    const child = spawnNode(port, nodeDir, [
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      "nodes.conf",
      "--cluster-node-timeout",
      "2000",
      // Replicas sync at once instead of after Redis's default 5 s wait for more replicas.
      "--repl-diskless-sync-delay",
      "0",
    ]);
    return { port, child };
  });
  const stopAll = () => {
    for (const node of nodes) node.child?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const { port } of nodes) {
      let up = false;
      for (let i = 0; i < 100 && !up; i++) {
        up = await answers(port);
        if (!up) await sleep(50);
      }
      if (!up) throw new Error(`redis-server on ${port} did not answer within 5 s`);
    }
    const created = spawnSync(
      "redis-cli",
      ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", String(replicas), "--cluster-yes"],
      { encoding: "utf8", timeout: 30_000 },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.stdout}\n${created.stderr}`);
  } catch (error) {
    stopAll();
    throw error;
  }

  const live = () => nodes.filter((n) => n.child !== undefined);
  const cluster: TestCluster = {
    nodes,
    seeds: ports.map((p) => `127.0.0.1:${p}`).join(","),
    connect: (port) => new Redis({ port, host: "127.0.0.1" }),
    async masterOf(key) {
      const node = live()[0]!;
      const redis = cluster.connect(node.port);
      try {
        const slot = Number(await redis.cluster("KEYSLOT", key));
        const range = (await redis.cluster("SLOTS")).find(([from, to]) => slot >= from && slot <= to);
        if (!range?.[2]) throw new Error(`no master serves slot ${slot}`);
        return range[2][1];
      } finally {
        redis.disconnect();
      }
    },
    async masters() {
      const redis = cluster.connect(live()[0]!.port);
      try {
        const slots = await redis.cluster("SLOTS");
        return [...new Set(slots.flatMap((s) => (s[2] ? [s[2][1]] : [])))].sort();
      } finally {
        redis.disconnect();
      }
    },
    kill(port) {
      const node = nodes.find((n) => n.port === port);
      node?.child?.kill("SIGKILL");
      if (node) node.child = undefined;
    },
    async waitForFailover(port, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while ((await cluster.masters().catch(() => [port])).includes(port)) {
        if (Date.now() > deadline) throw new Error(`no replica took over from ${port} within ${timeoutMs} ms`);
        await sleep(100);
      }
      await cluster.waitUntilOk(Math.max(1000, deadline - Date.now()));
    },
    async waitUntilOk(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const states = await Promise.all(
          live().map(({ port }) =>
            probe(port, async (redis) => {
              const info = String(await redis.cluster("INFO"));
              const table = String(await redis.cluster("NODES"));
              // A master marked failed that still holds slots means the failover has not happened yet.
              const failedMaster = table.split("\n").some((line) => /master,fail\b/.test(line) && line.split(" ").length > 8);
              // A replica still syncing could not take over: the cluster is ready when every replica's link is up.
              const replication = String(await redis.info("replication"));
              const linkDown = replication.includes("role:slave") && !replication.includes("master_link_status:up");
              return info.includes("cluster_state:ok") && !failedMaster && !linkDown;
            }),
          ),
        );
        if (states.every(Boolean)) return;
        if (Date.now() > deadline) throw new Error(`the cluster did not reach cluster_state:ok within ${timeoutMs} ms`);
        await sleep(100);
      }
    },
    async stop() {
      stopAll();
      await sleep(10);
    },
  };
  await cluster.waitUntilOk();
  return cluster;
}

/** `redis-cli --cluster reshard`, as an operator runs it: `slots` slots with their keys from one master to another. */
export async function reshard(cluster: TestCluster, from: number, to: number, slots: number): Promise<string> {
  const idOf = async (port: number) => {
    const redis = cluster.connect(port);
    try {
      return String(await redis.cluster("MYID"));
    } finally {
      redis.disconnect();
    }
  };
  const args = ["--cluster", "reshard", `127.0.0.1:${from}`, "--cluster-from", await idOf(from), "--cluster-to", await idOf(to)];
  const child = spawn("redis-cli", [...args, "--cluster-slots", String(slots), "--cluster-yes", "--cluster-pipeline", "10"]);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`redis-cli --cluster reshard failed (${code}):\n${output.slice(-2000)}`);
  return output;
}

/**
 * The cluster of one test file: started before its tests and stopped after them. Where
 * redis-server is missing, `unavailable` says why (the file skips its tests; said once here).
 */
export function clusterForFile(what: string): { readonly unavailable: string | undefined; readonly cluster: () => TestCluster } {
  const unavailable = clusterUnavailable();
  if (unavailable) console.warn(`${what} skipped: ${unavailable}`);
  let started: TestCluster | undefined;
  beforeAll(async () => {
    if (!unavailable) started = await startCluster();
  }, 60_000);
  afterAll(async () => {
    await started?.stop();
  });
  const cluster = () => {
    if (!started) throw new Error("the test cluster has not started");
    return started;
  };
  return { unavailable, cluster };
}
