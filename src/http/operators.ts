import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import type { Queue } from "bullmq";
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { Logger } from "../log.js";
import { withTimeout, type Readiness } from "../ops/health.js";
import type { BulletinMetrics } from "../ops/metrics.js";
import { bearerToken, secretMatches } from "./auth.js";

export const DASHBOARD_PATH = "/admin/queues";

/** A scrape that cannot read Redis in this time answers 503 (Prometheus's default scrape timeout is 10 s). */
const METRICS_TIMEOUT_MS = 8000;

export interface AdminCredentials {
  readonly user: string;
  readonly password: string;
}

/** How long a rendered scrape is served again: each render reads Redis (a SCARD per shard and category). */
export const METRICS_CACHE_MS = 5000;

/**
 * Who may read /metrics: anyone (the server listens on loopback and no METRICS_TOKEN is set), the
 * holders of METRICS_TOKEN, or nobody (the server listens off loopback without a token).
 */
export type MetricsAccess = { readonly open: true } | { readonly token: string } | { readonly closed: true };

/** METRICS_TOKEN and where the server listens → who may read /metrics. */
export function metricsAccess(token: string | undefined, listensOnLoopback: boolean): MetricsAccess {
  if (token) return { token };
  return listensOnLoopback ? { open: true } : { closed: true };
}

/**
 * One rendering of the metrics serves every scrape for `ttlMs`, and scrapes that arrive while it
 * renders wait for it: a burst of scrapes costs Redis one reading. A failed rendering is not kept.
 */
export function cachedRender(render: () => Promise<string>, ttlMs: number, now: () => number): () => Promise<string> {
  let kept: { readonly text: Promise<string>; readonly at: number } | undefined;
  return () => {
    const time = now();
    if (kept && time - kept.at < ttlMs) return kept.text;
    const text = render();
    const entry = { text, at: time };
    kept = entry;
    text.catch(() => {
      if (kept === entry) kept = undefined;
    });
    return text;
  };
}

/** The operators' endpoints of the HTTP server: /readyz, /metrics and the queue dashboard. */
export interface OperatorRoutes {
  readonly readiness: () => Promise<Readiness>;
  readonly metrics: BulletinMetrics;
  /** Who may read /metrics (metricsAccess). */
  readonly metricsAccess: MetricsAccess;
  /** How long one reading of the metrics is served (METRICS_CACHE_MS), on which clock. */
  readonly metricsCache?: { readonly ttlMs?: number; readonly now?: () => number };
  readonly dashboard: {
    readonly queues: readonly Queue<unknown>[];
    /** ADMIN_USER / ADMIN_PASSWORD; without them the dashboard is not mounted. */
    readonly credentials: AdminCredentials | undefined;
  };
}

/** The user and password of an `Authorization: Basic …` header, if it holds one. */
export function basicCredentials(header: string | undefined): AdminCredentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Both parts are always compared (constant time each), so timing tells nothing about which was wrong. */
export function credentialsMatch(presented: AdminCredentials | undefined, expected: AdminCredentials): boolean {
  const user = secretMatches(presented?.user ?? "", expected.user);
  const password = secretMatches(presented?.password ?? "", expected.password);
  return presented !== undefined && user && password;
}

/** Bulletin's fastify instance (its logger is pino's). */
export type BulletinHttp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger>;

export function registerOperatorRoutes(app: BulletinHttp, routes: OperatorRoutes, logger: Logger): void {
  app.get("/readyz", async (_request, reply) => {
    const readiness = await routes.readiness();
    return reply
      .status(readiness.ready ? 200 : 503)
      .header("cache-control", "no-store")
      .send({ status: readiness.ready ? "ready" : "not ready", problems: readiness.problems, checks: readiness.checks });
  });

  const access = routes.metricsAccess;
  const render = cachedRender(
    () => withTimeout(routes.metrics.render(), METRICS_TIMEOUT_MS),
    routes.metricsCache?.ttlMs ?? METRICS_CACHE_MS,
    routes.metricsCache?.now ?? Date.now,
  );
  app.get("/metrics", async (request, reply) => {
    if ("closed" in access) {
      return reply
        .status(401)
        .header("www-authenticate", "Bearer")
        .send({ error: "/metrics is off: the server listens off loopback and no METRICS_TOKEN is set" });
    }
    if ("token" in access) {
      const token = bearerToken(request.headers.authorization);
      if (!token || !secretMatches(token, access.token)) {
        return reply.status(401).header("www-authenticate", "Bearer").send({ error: "missing or wrong bearer token (METRICS_TOKEN)" });
      }
    }
    let text: string;
    try {
      text = await render();
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "metrics: cannot read Redis");
      return reply.status(503).header("content-type", "text/plain; charset=utf-8").send("# cannot read Bulletin's metrics from Redis\n");
    }
    return reply.header("content-type", routes.metrics.contentType).header("cache-control", "no-store").send(text);
  });

  const credentials = routes.dashboard.credentials;
  if (!credentials) return;
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: routes.dashboard.queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: "Bulletin" } },
  });
  const requireAdmin = async (request: FastifyRequest, reply: FastifyReply) => {
    const presented = basicCredentials(request.headers.authorization);
    if (credentialsMatch(presented, credentials)) return;
    if (presented) logger.warn({ ip: request.ip }, "queue dashboard: wrong user or password");
    return reply
      .status(401)
      .header("www-authenticate", 'Basic realm="Bulletin queues", charset="UTF-8"')
      .send({ error: "the queue dashboard needs the operator's user and password (ADMIN_USER / ADMIN_PASSWORD)" });
  };
  void app.register(
    async (scope) => {
      scope.addHook("onRequest", requireAdmin);
      await scope.register(serverAdapter.registerPlugin());
    },
    { prefix: DASHBOARD_PATH },
  );
  logger.info(`queue dashboard at ${DASHBOARD_PATH} (basic auth as ADMIN_USER)`);
}
