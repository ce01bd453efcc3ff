import { isLoopbackHost } from "../../config/common.js";
import { DASHBOARD_PATH, metricsAccess } from "../../http/operators.js";
import { listenProblem } from "../../http/port.js";
import { buildHttpServer } from "../../http/server.js";
import { fetchPolicyOf } from "../../feeds/fetch.js";
import { checkReadiness } from "../../ops/health.js";
import { BulletinMetrics } from "../../ops/metrics.js";
import { openOperatorQueues } from "../../queues.js";
import { registerSandbox, type SandboxDeps } from "../../sandbox/routes.js";
import type { Sandbox } from "../../sandbox/start.js";
import type { Runtime } from "../runtime.js";
import type { RunningRole, Tuning } from "./index.js";

/** What registerSandbox needs, from the process's runtime. */
function sandboxDeps(runtime: Runtime, sandbox: Sandbox): SandboxDeps {
  return {
    telegram: sandbox.telegram,
    bale: sandbox.bale,
    clock: sandbox.clock,
    timezone: runtime.config.defaultTimezone,
    ingestor: runtime.ingestor,
    categories: runtime.categories,
    queues: runtime.queues,
    logger: runtime.logger,
    feedFetch: fetchPolicyOf(runtime.config.feedAllowPrivate, runtime.redisUrl),
  };
}

/** The http role: the ingest API, health, metrics, the queue dashboard and, in a sandbox, its page. */
export async function startHttp(runtime: Runtime, tuning: Tuning, sandbox?: Sandbox): Promise<RunningRole> {
  const { config } = runtime;
  const access = metricsAccess(config.metricsToken, isLoopbackHost(config.http.host));
  const queues = openOperatorQueues(runtime.redis, runtime.queuePrefix, runtime.queues);
  const app = buildHttpServer({
    ingestor: runtime.ingestor,
    ingestToken: config.ingestToken,
    logger: runtime.logger,
    operators: {
      readiness: () => checkReadiness({ redis: runtime.redis, queues: queues.all, bot: runtime.botStatus, baleBot: runtime.baleBotStatus }),
      metrics: new BulletinMetrics({
        redis: runtime.redis,
        prefix: config.keyPrefix,
        keys: runtime.keys,
        store: runtime.store,
        categories: runtime.categories,
        queues: queues.all,
        feedInterval: config.feedInterval,
      }),
      metricsAccess: access,
      ...(tuning.metricsCache ? { metricsCache: tuning.metricsCache } : {}),
      dashboard: { queues: queues.all, credentials: config.admin },
    },
    webhook: config.webhook ? { path: config.webhook.path, secret: config.webhook.secret, receiver: runtime.webhook } : undefined,
  });
  if (sandbox) registerSandbox(app, sandboxDeps(runtime, sandbox));
  let address: string;
  try {
    // fastify logs the address it listens on (each of them, for a name like localhost).
    address = await app.listen({
      host: config.http.host,
      port: config.http.port,
      listenTextResolver: (at) => `HTTP server listening on ${at}`,
    });
  } catch (error) {
    await app.close();
    await queues.close();
    throw listenProblem(error, config.http.host, config.http.port) ?? error;
  }
  // What a deployment's operator should know; a sandbox publishes from its page and has no operators.
  if (!sandbox) {
    if (!config.ingestToken) runtime.logger.warn("INGEST_TOKEN is not set: POST /api/articles refuses every request");
    if (!config.admin) runtime.logger.warn(`ADMIN_USER and ADMIN_PASSWORD are not set: the queue dashboard at ${DASHBOARD_PATH} is off`);
    if ("closed" in access)
      runtime.logger.warn(`METRICS_TOKEN is not set and HTTP_HOST ${config.http.host} is not loopback: /metrics is off`);
  }
  return {
    role: "http",
    url: address,
    async stop() {
      await app.close();
      await queues.close();
    },
  };
}
