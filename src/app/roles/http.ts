import { buildHttpServer } from "../../http/server.js";
import { fetchPolicyOf } from "../../feeds/fetch.js";
import { checkReadiness } from "../../ops/health.js";
import { BulletinMetrics } from "../../ops/metrics.js";
import { openOperatorQueues } from "../../queues.js";
import type { FakeTelegram } from "@bulletin/fake-bot-api";
import { registerSandbox, type SandboxDeps } from "../../sandbox/routes.js";
import type { Runtime } from "../runtime.js";
import type { RunningRole } from "./index.js";

/** What registerSandbox needs, from the process's runtime. */
function sandboxDeps(runtime: Runtime, telegram: FakeTelegram): SandboxDeps {
  return {
    telegram,
    ingestor: runtime.ingestor,
    categories: runtime.categories,
    queues: runtime.queues,
    logger: runtime.logger,
    feedFetch: fetchPolicyOf(runtime.config.feedAllowPrivate, runtime.redisUrl),
  };
}

/** The http role: the ingest API, health, metrics, the queue dashboard and, in a sandbox, its page. */
export async function startHttp(runtime: Runtime, sandbox?: FakeTelegram): Promise<RunningRole> {
  const { config } = runtime;
  const queues = openOperatorQueues(runtime.redis, config.keyPrefix, runtime.queues);
  const app = buildHttpServer({
    ingestor: runtime.ingestor,
    ingestToken: config.ingestToken,
    logger: runtime.logger,
    operators: {
      readiness: () => checkReadiness({ redis: runtime.redis, queues: queues.all, bot: runtime.botStatus }),
      metrics: new BulletinMetrics({
        redis: runtime.redis,
        prefix: config.keyPrefix,
        keys: runtime.keys,
        store: runtime.store,
        categories: runtime.categories,
        queues: queues.all,
        feedInterval: config.feedInterval,
      }),
      metricsToken: config.metricsToken,
      dashboard: { queues: queues.all, credentials: config.admin },
    },
  });
  if (sandbox) registerSandbox(app, sandboxDeps(runtime, sandbox));
  const address = await app.listen({ host: config.http.host, port: config.http.port });
  runtime.logger.info({ address }, `HTTP server listening on ${address}`);
  if (!config.ingestToken && !sandbox) runtime.logger.warn("INGEST_TOKEN is not set: POST /api/articles refuses every request");
  return {
    role: "http",
    url: address,
    async stop() {
      await app.close();
      await queues.close();
    },
  };
}
