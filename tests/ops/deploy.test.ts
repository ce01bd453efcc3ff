/**
 * The deployment files under deploy/: the compose file names only services, variables, volumes
 * and files that exist; the Dockerfile copies what is there (the workspace packages included); the
 * Grafana dashboard queries only metrics Bulletin exposes. Where `docker compose` is installed, it
 * must accept the file too.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { ROLE_NAMES } from "../../src/config/common.js";
import { ENV_NAMES } from "../../src/config/env.js";
import { TIMINGS } from "../../src/delivery/timings.js";
import { BulletinMetrics, type MetricsDeps } from "../../src/ops/metrics.js";
import { LISTPACK_ARGS } from "../../src/redis.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DEPLOY = join(ROOT, "deploy");
const COMPOSE_FILE = join(DEPLOY, "docker-compose.yml");
const composeText = readFileSync(COMPOSE_FILE, "utf8");

const serviceSchema = z
  .object({
    image: z.string().optional(),
    build: z.object({ context: z.string(), dockerfile: z.string() }).optional(),
    command: z.array(z.string()).optional(),
    depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
    environment: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    volumes: z.array(z.string()).optional(),
    ports: z.array(z.string()).optional(),
    container_name: z.string().optional(),
    healthcheck: z
      .object({ test: z.array(z.string()) })
      .loose()
      .optional(),
  })
  .loose();
const composeSchema = z
  .object({
    services: z.record(z.string(), serviceSchema),
    volumes: z.record(z.string(), z.unknown().nullable()).optional(),
  })
  .loose();

// Docker Compose applies YAML merge keys (<<: *anchor), as the file uses them.
const compose = composeSchema.parse(parse(composeText, { merge: true }));
const bulletinServices = Object.entries(compose.services).filter(([, s]) => s.environment?.ROLES !== undefined);

/** Variables compose itself reads that are not Bulletin's (documented in deploy/.env.example). */
const COMPOSE_ONLY = ["BULLETIN_HTTP_PORT"];

describe("deploy/docker-compose.yml", () => {
  it("runs Redis with an append-only file, noeviction and the compact encodings' limits, on a declared volume", () => {
    const redis = compose.services.redis!;
    expect(redis.command?.join(" ")).toMatch(/--appendonly yes/);
    expect(redis.command?.join(" ")).toMatch(/--maxmemory-policy noeviction/);
    // The compact encodings' limits Bulletin starts its own redis-server with (README "Scaling out").
    expect(redis.command?.join(" ")).toContain(LISTPACK_ARGS.join(" "));
    expect(redis.volumes).toContain("redis-data:/data");
  });

  it("runs every role as a service of its own, and delivery workers can be scaled", () => {
    const roles = bulletinServices.map(([, s]) => String(s.environment!.ROLES));
    expect(roles.sort()).toEqual([...ROLE_NAMES].sort());
    for (const role of roles) expect(ROLE_NAMES).toContain(role);
    const workers = bulletinServices.find(([, s]) => s.environment!.ROLES === "workers")![1];
    // A fixed container name or host port would stop `--scale workers=N`.
    expect(workers.container_name).toBeUndefined();
    expect(workers.ports).toBeUndefined();
  });

  it("names only services, variables, volumes and files that exist", () => {
    const services = Object.keys(compose.services);
    const declaredVolumes = Object.keys(compose.volumes ?? {});
    const usedVolumes = new Set<string>();
    for (const [name, service] of Object.entries(compose.services)) {
      for (const dependency of Object.keys(service.depends_on ?? {}))
        expect(services, `${name} depends on ${dependency}`).toContain(dependency);
      for (const mount of service.volumes ?? []) {
        const source = mount.split(":")[0]!;
        if (source.startsWith(".") || source.startsWith("/")) {
          expect(existsSync(resolve(DEPLOY, source)), `${name} mounts ${source}`).toBe(true);
        } else {
          expect(declaredVolumes, `${name} uses volume ${source}`).toContain(source);
          usedVolumes.add(source);
        }
      }
      if (service.build) {
        const context = resolve(DEPLOY, service.build.context);
        expect(existsSync(context), `${name} build context`).toBe(true);
        expect(existsSync(join(context, service.build.dockerfile)), `${name} Dockerfile`).toBe(true);
      }
    }
    expect([...usedVolumes].sort()).toEqual(declaredVolumes.sort());

    // Every variable a Bulletin service sets is one Bulletin reads.
    for (const [name, service] of bulletinServices) {
      for (const variable of Object.keys(service.environment ?? {})) expect(ENV_NAMES, `${name} sets ${variable}`).toContain(variable);
      expect(service.environment?.BOT_TOKEN, `${name} has BOT_TOKEN`).toBeDefined();
      expect(service.environment?.REDIS_URL).toBe("redis://redis:6379");
      expect(String(service.environment?.CATEGORIES_FILE)).toMatch(/^\/app\/config\//);
    }
    // Every ${VARIABLE} the file interpolates is Bulletin's or compose's own, and documented.
    const interpolated = [...composeText.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!);
    const example = readFileSync(join(DEPLOY, ".env.example"), "utf8");
    const documented = new Set([...example.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
    for (const variable of new Set(interpolated)) {
      expect([...ENV_NAMES, ...COMPOSE_ONLY], `\${${variable}}`).toContain(variable);
      expect(documented.has(variable), `${variable} in deploy/.env.example`).toBe(true);
    }
    for (const variable of documented) expect([...ENV_NAMES, ...COMPOSE_ONLY]).toContain(variable);
  });

  it("checks the HTTP service's readiness at /readyz", () => {
    const http = bulletinServices.find(([, s]) => s.environment!.ROLES === "http")![1];
    expect(http.healthcheck?.test.join(" ")).toContain("/readyz");
    expect(http.environment?.HTTP_HOST).toBe("0.0.0.0");
  });

  const dockerCompose = spawnSync("docker", ["compose", "version"], { encoding: "utf8" });
  it.skipIf(dockerCompose.status !== 0)("is accepted by docker compose config", () => {
    const result = spawnSync("docker", ["compose", "-f", COMPOSE_FILE, "config", "--quiet"], {
      encoding: "utf8",
      env: { ...process.env, BOT_TOKEN: "123456789:test-token-for-compose-config", INGEST_TOKEN: "a-long-enough-ingest-token" },
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("deploy/Dockerfile", () => {
  const dockerfile = readFileSync(join(DEPLOY, "Dockerfile"), "utf8");

  it("copies only what exists and starts src/main.ts on a Node LTS still supported (Node 20 ended in April 2026)", () => {
    expect(dockerfile).toMatch(/^FROM node:24-bookworm-slim$/m);
    // The code itself keeps running on Node 20.19+.
    expect(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"))).toMatchObject({ engines: { node: ">=20.19" } });
    for (const match of dockerfile.matchAll(/^COPY (.+) \S+$/gm)) {
      for (const source of match[1]!.split(/\s+/)) expect(existsSync(join(ROOT, source)), `COPY ${source}`).toBe(true);
    }
    const cmd = z.array(z.string()).parse(JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!));
    expect(existsSync(join(ROOT, cmd.at(-1)!))).toBe(true);
    // The runtime needs tsx, so it must be a dependency, not a dev dependency (npm ci --omit=dev).
    const pkg = z
      .object({ dependencies: z.record(z.string(), z.string()) })
      .loose()
      .parse(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")));
    expect(pkg.dependencies.tsx).toBeDefined();
  });

  it("gives npm ci every workspace package it links, and copies their sources for the runtime", () => {
    const install = dockerfile.indexOf("RUN npm ci");
    for (const name of readdirSync(join(ROOT, "packages"))) {
      const manifest = dockerfile.indexOf(`COPY packages/${name}/package.json `);
      expect(manifest, `packages/${name}/package.json`).toBeGreaterThan(-1);
      expect(manifest, `packages/${name}/package.json before npm ci`).toBeLessThan(install);
      expect(dockerfile).toContain(`COPY packages/${name}/src `);
    }
  });
});

describe("package.json", () => {
  it("has a start script for every role that has an entry point, each naming a file that exists", () => {
    const pkg = z
      .object({ scripts: z.record(z.string(), z.string()) })
      .loose()
      .parse(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")));
    const starts = Object.entries(pkg.scripts).filter(([name]) => name === "start" || name.startsWith("start:"));
    expect(starts.map(([name]) => name).sort()).toEqual(["start", "start:bot", "start:feeds", "start:workers"]);
    for (const [name, command] of starts) {
      const file = /^tsx (\S+)$/.exec(command)?.[1] ?? "";
      expect(existsSync(join(ROOT, file)) && file !== "", `${name}: ${command}`).toBe(true);
    }
  });
});

describe("deploy/grafana/bulletin-dashboard.json", () => {
  it("queries only metrics Bulletin exposes", async () => {
    const dashboard = z
      .object({ panels: z.array(z.object({ title: z.string(), targets: z.array(z.object({ expr: z.string() })) }).loose()) })
      .loose()
      .parse(JSON.parse(readFileSync(join(DEPLOY, "grafana", "bulletin-dashboard.json"), "utf8")));
    const metrics = new BulletinMetrics({ processMetrics: false } as unknown as MetricsDeps);
    // The duration histograms are summed in Redis and rendered next to the registry's metrics.
    const exposed = new Set([
      ...(await metrics.registry.getMetricsAsJSON()).map((m) => m.name),
      ...Object.values(TIMINGS).map((t) => t.metric),
    ]);
    const histogramSeries = (name: string) => name.replace(/_(bucket|sum|count)$/, "");
    expect(dashboard.panels.length).toBeGreaterThan(5);
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const names = [...target.expr.matchAll(/bulletin_[a-z0-9_]+/g)].map((m) => histogramSeries(m[0]));
        expect(names.length, panel.title).toBeGreaterThan(0);
        for (const name of names) expect(exposed, `${panel.title}: ${name}`).toContain(name);
      }
    }
  });
});
