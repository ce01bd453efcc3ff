import Fastify, { LogController, type FastifyReply, type FastifyRequest } from "fastify";
import type { Ingestor } from "../ingest/ingest.js";
import type { Logger } from "../log.js";
import { bearerToken, secretMatches } from "./auth.js";
import { registerOperatorRoutes, type OperatorRoutes } from "./operators.js";
import { registerWebhookRoute, type WebhookRoute } from "./webhook.js";

/** The contract: bodies over 1 MiB are refused with 413. */
export const BODY_LIMIT = 1024 * 1024;

export interface HttpDeps {
  readonly ingestor: Ingestor;
  readonly ingestToken: string | undefined;
  readonly logger: Logger;
  /** /readyz, /metrics and the queue dashboard (operators.ts); absent in ingest-only tests. */
  readonly operators?: OperatorRoutes;
  /** Telegram's webhook (WEBHOOK_URL's path), in webhook mode. */
  readonly webhook?: WebhookRoute;
}

/** Bulletin's HTTP server: the ingest API, health, the operators' endpoints and Telegram's webhook. */
export function buildHttpServer(deps: HttpDeps) {
  const logger = deps.logger.child({ component: "http" });
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT,
    logController: new LogController({ disableRequestLogging: true }),
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, "request failed");
    const message = status === 413 ? `the body is larger than ${BODY_LIMIT} bytes` : status >= 500 ? "internal error" : error.message;
    void reply.status(status).send(status === 400 ? { error: message, issues: [{ path: "(body)", message }] } : { error: message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: `no route ${request.method} ${request.url}` });
  });

  // A graceful stop closes the keep-alive connections that are idle when it starts; one whose
  // request is still being answered (a webhook update being handled) would otherwise stay open
  // until its keep-alive timeout after the answer. Answers sent while closing close theirs.
  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) void reply.header("connection", "close");
    done(null, payload);
  });

  app.get("/healthz", () => ({ status: "ok" }));
  if (deps.operators) registerOperatorRoutes(app, deps.operators, logger);
  if (deps.webhook) registerWebhookRoute(app, deps.webhook, logger);

  const requireIngestToken = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!deps.ingestToken) {
      return reply
        .status(401)
        .header("www-authenticate", "Bearer")
        .send({ error: "ingest is disabled: the server has no INGEST_TOKEN set" });
    }
    const token = bearerToken(request.headers.authorization);
    if (!token || !secretMatches(token, deps.ingestToken)) {
      logger.warn({ ip: request.ip }, "ingest refused: missing or wrong token");
      return reply.status(401).header("www-authenticate", "Bearer").send({ error: "missing or wrong bearer token" });
    }
  };

  app.post("/api/articles", { onRequest: requireIngestToken }, async (request, reply) => {
    const outcome = await deps.ingestor.ingest(request.body, "http");
    switch (outcome.status) {
      case "accepted":
        return reply.status(202).send({ id: outcome.id, duplicate: false });
      case "duplicate":
        return reply.status(200).send({ id: outcome.id, duplicate: true });
      case "invalid":
        return reply.status(400).send({ error: "the article is not valid", issues: outcome.issues });
      case "unknown-category":
        return reply.status(422).send({
          error: `unknown categor${outcome.unknown.length === 1 ? "y" : "ies"}: ${outcome.unknown.join(", ")}`,
          unknown: outcome.unknown,
          valid: outcome.valid,
        });
    }
  });

  return app;
}
