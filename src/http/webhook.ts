import type { FastifyReply, FastifyRequest } from "fastify";
import { parseUpdate, type WebhookReceiver } from "../bot/webhook.js";
import type { Logger } from "../log.js";
import { secretMatches } from "./auth.js";
import type { BulletinHttp } from "./operators.js";

/** The header Telegram sends the webhook's secret_token in. */
export const SECRET_HEADER = "x-telegram-bot-api-secret-token";

export interface WebhookRoute {
  /** WEBHOOK_URL's path. */
  readonly path: string;
  /** WEBHOOK_SECRET. */
  readonly secret: string;
  readonly receiver: WebhookReceiver;
}

/**
 * Telegram's webhook on Bulletin's HTTP server: the secret first (401, before the body is read),
 * then the body must be an update (400), then the update is handled, or found to be a replay,
 * before the answer: a 2xx tells Telegram it may forget the update, a 503 that it should post it
 * again later.
 */
export function registerWebhookRoute(app: BulletinHttp, route: WebhookRoute, logger: Logger): void {
  const requireSecret = async (request: FastifyRequest, reply: FastifyReply) => {
    const presented = request.headers[SECRET_HEADER];
    // secretMatches compares in constant time (crypto.timingSafeEqual over hashes of both).
    if (typeof presented !== "string" || !secretMatches(presented, route.secret)) {
      logger.warn({ ip: request.ip }, "webhook refused: missing or wrong secret token");
      return reply.status(401).send({ error: `missing or wrong ${SECRET_HEADER} header` });
    }
  };
  app.post(route.path, { onRequest: requireSecret }, async (request, reply) => {
    const parsed = parseUpdate(request.body);
    if (!parsed.ok) return reply.status(400).send({ error: parsed.problem, issues: [{ path: "(body)", message: parsed.problem }] });
    const receipt = await route.receiver.receive(parsed.update);
    switch (receipt) {
      case "handled":
      case "duplicate":
        return reply.status(200).send();
      case "busy":
      case "unavailable":
      case "failed":
        return reply
          .status(503)
          .header("retry-after", "1")
          .send({
            error:
              receipt === "unavailable" ? "the bot is not running in this process" : `update ${parsed.update.update_id} is not handled yet`,
          });
    }
  });
}
