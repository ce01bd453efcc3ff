import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import { z } from "zod";
import type { Categories } from "../config/categories.js";
import type { FetchPolicy } from "../feeds/fetch.js";
import { articleInputSchema } from "../ingest/article.js";
import type { Ingestor } from "../ingest/ingest.js";
import type { Logger } from "../log.js";
import type { Queues } from "../queues.js";
import type { SandboxClock } from "./clock.js";
import { previewFeeds } from "./feeds.js";
import type { FakeTelegram } from "@bulletin/fake-bot-api";
import { loadSandboxPage, type PageAsset } from "./page.js";
import type { Counters, SandboxEvent } from "./page/protocol.js";
import { SAMPLE_ARTICLE, SAMPLE_ARTICLE_FA, SAMPLE_PHOTO_PATH, SAMPLE_PHOTO_SVG, type SampleArticle } from "./samples.js";
import { hostHeaderIsLoopback } from "./mode.js";
import { setTelegramLimits } from "./start.js";
import { isolate } from "../i18n/bidi.js";
import { PLATFORMS, SLUG_PATTERN } from "../ids.js";
import { setBaleLimits } from "./bale.js";
import { registerSharingRoutes } from "./sharing-routes.js";
import { SandboxConflictError, SandboxState } from "./state.js";

export interface SandboxDeps {
  /** The built-in Bot API every role of this sandbox talks to (startSandboxTelegram). */
  readonly telegram: FakeTelegram;
  /** The built-in Bale the Bale bot talks to (startSandboxBale); none: the page offers Telegram only. */
  readonly bale?: FakeTelegram | undefined;
  /** The clock of the readers' schedules, which the page moves forward. */
  readonly clock: SandboxClock;
  /** DEFAULT_TIMEZONE: the page shows the clock in it, and "skip to" times are read in it. */
  readonly timezone: string;
  /** The same Ingestor as POST /api/articles. */
  readonly ingestor: Pick<Ingestor, "ingest">;
  readonly categories: Categories;
  /** For the "queued" counter. */
  readonly queues: Pick<Queues, "fanout" | "delivery">;
  readonly logger: Logger;
  /** The feeds panel fetches as the feeds role does: FEED_ALLOW_PRIVATE and the refused ports. */
  readonly feedFetch?: FetchPolicy;
  /** The article one click away in the publish form; default the project's sample (samples.ts). */
  readonly sampleArticle?: SampleArticle;
}

/** How often the counters are read while a page is open. */
const COUNTERS_INTERVAL_MS = 500;
/** A comment line now and then keeps proxies and browsers from closing an idle stream. */
const KEEPALIVE_MS = 15_000;
const QUEUED_STATES = ["waiting", "prioritized", "active", "delayed", "waiting-children"] as const;

const idParams = z.object({ id: z.coerce.number().int() });
/** Telegram unless the page says Bale. */
const platformField = z.enum(PLATFORMS).default("telegram");
const readerBody = z.object({
  platform: platformField,
  name: z.string().trim().min(1, "must not be empty").max(64),
  language: z
    .string()
    .regex(/^[a-z]{2,3}$/, "must be a language code like en or fa")
    .default("en"),
});
const deepLinkBody = z.object({ payload: z.string().regex(SLUG_PATTERN, "must be a category's slug, like world") });
const sendBody = z.object({ text: z.string().trim().min(1, "must not be empty").max(4096) });
const pressBody = z.object({
  readerId: z.number().int(),
  messageId: z.number().int().positive(),
  data: z.string().min(1).max(64),
});
const channelBody = z.object({
  title: z.string().trim().min(1, "must not be empty").max(128),
  username: z
    .string()
    .trim()
    .transform((u) => u.replace(/^@/, ""))
    .pipe(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{4,31}$/, "must be 5 to 32 letters, digits or _, starting with a letter"))
    .optional(),
  ownerId: z.number().int(),
});
const addBotBody = z.object({ readerId: z.number().int() });
const topicName = z.string().trim().min(1, "must not be empty").max(128);
const groupBody = z.object({
  title: z.string().trim().min(1, "must not be empty").max(128),
  ownerId: z.number().int(),
  forum: z.boolean().default(false),
  topics: z.array(topicName).max(10).default([]),
});
const memberBody = z.object({ readerId: z.number().int(), role: z.enum(["member", "administrator"]) });
const topicBody = z.object({ name: topicName, readerId: z.number().int() });
const groupSendBody = z.object({
  readerId: z.number().int(),
  text: z.string().trim().min(1, "must not be empty").max(4096),
  threadId: z.number().int().positive().optional(),
});
const limitsBody = z.object({ enabled: z.boolean() });
const clockBody = z.union([
  z
    .object({
      forwardMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 1440),
    })
    .strict(),
  z
    .object({
      to: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day, HH:MM")
        .transform((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3))),
    })
    .strict(),
]);

/** Bulletin's fastify instance (buildHttpServer), whose logger is pino's. */
type SandboxApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger>;

/**
 * The sandbox page and its endpoints: GET /sandbox (the page, where / and /sandbox/ lead too; its
 * stylesheets, script and icon under /sandbox/page/), GET /sandbox/events (its live stream,
 * Server-Sent Events) and the JSON POSTs the page sends. Only for a Bulletin running against the
 * built-in Bot API, on a loopback address.
 */
export function registerSandbox(app: SandboxApp, deps: SandboxDeps): SandboxState {
  const logger = deps.logger.child({ component: "sandbox" });
  const { telegram } = deps;
  const state = new SandboxState({ telegram, bale: deps.bale }, deps.categories, { clock: deps.clock, zone: deps.timezone });
  const streams = new Set<ServerResponse>();

  // Every route of a sandbox's server, Bulletin's own included: only requests addressed to loopback.
  app.addHook("onRequest", async (request, reply) => {
    if (hostHeaderIsLoopback(request.headers.host)) return;
    logger.warn({ host: request.headers.host }, "sandbox: refused a request addressed to a name that is not loopback");
    return reply.status(403).send({ error: "the sandbox answers only on loopback names (localhost, 127.0.0.1, [::1])" });
  });

  // ----- counters: read while somebody watches ----------------------------------------------
  let last: Counters | undefined;
  let reading = false;
  const readCounters = async () => {
    if (reading || state.stream.listening === 0) return;
    reading = true;
    try {
      const counts = await Promise.all([deps.queues.fanout, deps.queues.delivery].map((q) => q.getJobCounts(...QUEUED_STATES)));
      state.setQueued(counts.reduce((sum, c) => sum + QUEUED_STATES.reduce((n, s) => n + (c[s] ?? 0), 0), 0));
    } catch (error) {
      logger.debug({ err: (error as Error).message }, "sandbox: could not count the queues");
    } finally {
      reading = false;
    }
    const now = state.counters();
    if (!last || Object.entries(now).some(([k, v]) => last?.[k as keyof Counters] !== v)) {
      last = now;
      state.stream.broadcast({ type: "counters", counters: now });
    }
  };
  const timer = setInterval(() => void readCounters(), COUNTERS_INTERVAL_MS);
  timer.unref();

  app.addHook("preClose", (done) => {
    // Open streams would keep the server from closing.
    for (const stream of streams) stream.end();
    streams.clear();
    done();
  });
  app.addHook("onClose", (_instance, done) => {
    clearInterval(timer);
    state.close();
    done();
  });

  // ----- the page ----------------------------------------------------------------------------
  const page = loadSandboxPage();
  app.get("/sandbox", (_request, reply) => {
    const nonce = randomBytes(16).toString("base64");
    const html = page.render({
      nonce,
      samples: { en: deps.sampleArticle ?? SAMPLE_ARTICLE, fa: SAMPLE_ARTICLE_FA },
    });
    return reply
      .header("content-type", "text/html; charset=utf-8")
      .header(
        "content-security-policy",
        `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src http: https: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      )
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "no-referrer")
      .header("cache-control", "no-store")
      .send(html);
  });

  // Its stylesheets and script (the page's nonce lets them in) and its icon.
  const assetReply = (asset: PageAsset, reply: FastifyReply) =>
    reply
      .header("content-type", asset.contentType)
      .header("content-security-policy", "default-src 'none'")
      .header("x-content-type-options", "nosniff")
      .header("cache-control", "no-store")
      .send(asset.body);
  for (const asset of page.assets) app.get(asset.path, (_request, reply) => assetReply(asset, reply));
  // A browser asks for /favicon.ico on any page without an icon of its own (a JSON answer, say).
  app.get("/favicon.ico", (_request, reply) => assetReply(page.favicon, reply));
  // The address a newcomer types: the server's root, or the page's with a slash.
  for (const path of ["/", "/sandbox/"]) app.get(path, (_request, reply) => reply.redirect("/sandbox"));

  app.get(SAMPLE_PHOTO_PATH, (_request, reply) =>
    reply
      .header("content-type", "image/svg+xml; charset=utf-8")
      .header("content-security-policy", "default-src 'none'")
      .header("x-content-type-options", "nosniff")
      .header("cache-control", "public, max-age=3600")
      .send(SAMPLE_PHOTO_SVG),
  );

  // The newest items of the configured feeds, fetched on demand (a sandbox may have no internet).
  app.get("/sandbox/feeds", async () => ({ feeds: await previewFeeds(deps.categories, deps.feedFetch) }));

  app.get("/sandbox/events", (request, reply) => {
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    const send = (event: SandboxEvent) => {
      stream.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    };
    send(state.snapshot());
    const unsubscribe = state.stream.subscribe(send);
    const keepalive = setInterval(() => stream.write(": keep-alive\n\n"), KEEPALIVE_MS);
    keepalive.unref();
    streams.add(stream);
    request.raw.once("close", () => {
      unsubscribe();
      clearInterval(keepalive);
      streams.delete(stream);
    });
  });

  // ----- what the page does ------------------------------------------------------------------
  // Browsers send Origin with every cross-site POST: another site must not drive the sandbox.
  const sameOrigin = async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin !== undefined && hostOf(origin) !== request.headers.host) {
      return reply.status(403).send({ error: "the sandbox takes requests from its own page only" });
    }
  };
  const post: Post = <S extends z.ZodType>(
    path: string,
    schema: S,
    handle: (body: z.output<S>, request: FastifyRequest, reply: FastifyReply) => unknown,
  ) => {
    app.post(path, { onRequest: sameOrigin }, async (request, reply) => {
      const body = schema.safeParse(request.body);
      if (!body.success) return reply.status(400).send(invalid(body.error));
      try {
        return await handle(body.data, request, reply);
      } catch (error) {
        if (error instanceof SandboxConflictError) return reply.status(409).send({ error: error.message });
        throw error;
      }
    });
  };
  const readerOf = (id: number, reply: FastifyReply) => {
    const reader = state.reader(id);
    if (!reader) void reply.status(404).send({ error: `no reader ${id}` });
    return reader;
  };

  post("/sandbox/readers", readerBody, (body, _request, reply) => {
    const reader = state.addReader(body.name, body.language, body.platform);
    return reply.status(201).send(reader);
  });

  app.get("/sandbox/readers/:id/menu", (request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.status(400).send(invalid(params.error));
    const reader = readerOf(params.data.id, reply);
    if (!reader) return reply;
    return reply.header("cache-control", "no-store").send({ commands: state.menuOf(reader) });
  });

  post("/sandbox/readers/:id/send", sendBody, (body, request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.status(400).send(invalid(params.error));
    const reader = readerOf(params.data.id, reply);
    if (!reader) return reply;
    const update = state.fakeOf(reader).userSends(state.userOf(reader), body.text);
    return reply.status(202).send({ updateId: update.update_id });
  });

  // The site's deep link (t.me/<bot>?start=world, ble.ir/<bale-bot>?start=world), opened by a reader of its platform.
  post("/sandbox/readers/:id/deep-link", deepLinkBody, (body, request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.status(400).send(invalid(params.error));
    const reader = readerOf(params.data.id, reply);
    if (!reader) return reply;
    const update = state.openDeepLink(reader, body.payload);
    return reply.status(202).send({ updateId: update.update_id });
  });

  post("/sandbox/press", pressBody, (body, _request, reply) => {
    const reader = readerOf(body.readerId, reply);
    if (!reader) return reply;
    const fake = state.fakeOf(reader);
    const message = fake.messagesTo(reader.id).find((m) => m.message_id === body.messageId);
    if (!message) return reply.status(404).send({ error: `no message ${body.messageId} in ${reader.name}'s chat` });
    const offered = (message.reply_markup?.inline_keyboard ?? []).flat().some((b) => "callback_data" in b && b.callback_data === body.data);
    if (!offered) return reply.status(400).send({ error: "that message has no such button" });
    const update = fake.userPresses(state.userOf(reader), message, body.data);
    return reply.status(202).send({ updateId: update.update_id });
  });

  post("/sandbox/channels", channelBody, (body, _request, reply) => {
    const owner = readerOf(body.ownerId, reply);
    if (!owner) return reply;
    const channel = state.addChannel(body.title, body.username ?? usernameFor(body.title, state.world().channels.length + 1), owner);
    return reply.status(201).send(channel);
  });

  post("/sandbox/channels/:id/add-bot", addBotBody, (body, request, reply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) return reply.status(400).send(invalid(params.error));
    const channel = state.channel(params.data.id);
    if (!channel) return reply.status(404).send({ error: `no channel ${params.data.id}` });
    const reader = readerOf(body.readerId, reply);
    if (!reader) return reply;
    if (!state.administers(channel, reader)) {
      // Telegram (and Bale) let only a channel's administrators add administrators.
      const refusal = (name: string, title: string) =>
        `${name} is not an administrator of ${title}, so ${channel.platform === "bale" ? "Bale" : "Telegram"} does not let them add the bot`;
      state.stream.log("warn", refusal(isolate(reader.name), isolate(channel.title)));
      return reply.status(403).send({ error: refusal(reader.name, channel.title) });
    }
    if (state.botIsAdmin(channel.id)) return reply.status(409).send({ error: `the bot is already an administrator of ${channel.title}` });
    state.addBotToChannel(channel, reader);
    return reply.status(202).send({ ok: true });
  });

  // ----- groups and forums --------------------------------------------------------------------
  const groupOf = (request: FastifyRequest, reply: FastifyReply) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) {
      void reply.status(400).send(invalid(params.error));
      return undefined;
    }
    const group = state.group(params.data.id);
    if (!group) void reply.status(404).send({ error: `no group ${params.data.id}` });
    return group;
  };

  post("/sandbox/groups", groupBody, (body, _request, reply) => {
    const owner = readerOf(body.ownerId, reply);
    if (!owner) return reply;
    return reply.status(201).send(state.addGroup(body.title, owner, body.forum, body.topics));
  });

  post("/sandbox/groups/:id/members", memberBody, (body, request, reply) => {
    const group = groupOf(request, reply);
    const reader = group && readerOf(body.readerId, reply);
    if (!group || !reader) return reply;
    state.setGroupMember(group, reader, body.role);
    return reply.send({ ok: true });
  });

  post("/sandbox/groups/:id/topics", topicBody, (body, request, reply) => {
    const group = groupOf(request, reply);
    const reader = group && readerOf(body.readerId, reply);
    if (!group || !reader) return reply;
    const role = state.roleIn(group.id, reader);
    if (role !== "creator" && role !== "administrator") {
      return reply.status(403).send({ error: `${reader.name} is not an administrator of ${group.title}, so cannot open topics there` });
    }
    return reply.status(201).send(state.addTopic(group, body.name, reader));
  });

  post("/sandbox/groups/:id/add-bot", addBotBody, (body, request, reply) => {
    const group = groupOf(request, reply);
    const reader = group && readerOf(body.readerId, reply);
    if (!group || !reader) return reply;
    // Telegram lets any member add a bot to a group (unless the group forbids adding members).
    if (!state.roleIn(group.id, reader)) return reply.status(403).send({ error: `${reader.name} is not in ${group.title}` });
    if (state.botIsIn(group.id)) return reply.status(409).send({ error: `the bot is already in ${group.title}` });
    state.addBotToGroup(group, reader);
    return reply.status(202).send({ ok: true });
  });

  post("/sandbox/groups/:id/send", groupSendBody, (body, request, reply) => {
    const group = groupOf(request, reply);
    const reader = group && readerOf(body.readerId, reply);
    if (!group || !reader) return reply;
    if (!state.roleIn(group.id, reader)) {
      return reply.status(403).send({ error: `${reader.name} is not in ${group.title}: add them as a member first` });
    }
    if (!state.botIsIn(group.id)) {
      return reply.status(409).send({ error: `the bot is not in ${group.title} yet, so nobody reads commands there: add it first` });
    }
    const update = state.groupSays(group, reader, body.text, body.threadId);
    return reply.status(202).send({ updateId: update.update_id });
  });

  registerSharingRoutes({ post, readerOf, params: idParams, invalid, state, telegram });

  post("/sandbox/publish", articleInputSchema, async (article, _request, reply) => {
    const outcome = await deps.ingestor.ingest(article, "http");
    const title = `“${isolate(article.title)}”`;
    switch (outcome.status) {
      case "accepted":
        state.stream.log("info", `Published ${title} in ${article.categories.join(", ")}: fan-out started`);
        return reply.status(202).send({ id: outcome.id, duplicate: false });
      case "duplicate":
        state.stream.log("info", `${title} was published before (same id or URL): nobody gets it twice`);
        return reply.status(200).send({ id: outcome.id, duplicate: true });
      case "invalid":
        return reply.status(400).send({ error: "the article is not valid", issues: outcome.issues });
      case "unknown-category":
        return reply
          .status(422)
          .send({ error: `unknown categories: ${outcome.unknown.join(", ")}`, unknown: outcome.unknown, valid: outcome.valid });
    }
  });

  post("/sandbox/clock", clockBody, (body, _request, reply) => {
    if ("to" in body) deps.clock.skipTo(deps.timezone, body.to);
    else deps.clock.forward(body.forwardMinutes);
    state.clockMoved();
    return reply.send({ now: deps.clock.now(), ahead: deps.clock.ahead });
  });

  post("/sandbox/limits", limitsBody, (body, _request, reply) => {
    setTelegramLimits(telegram, body.enabled);
    if (deps.bale) setBaleLimits(deps.bale, body.enabled);
    state.setLimits();
    logger.info({ limits: body.enabled }, "sandbox: Telegram's limits changed");
    return reply.send({ enabled: body.enabled });
  });

  return state;
}

/** A JSON POST of the page: its body checked against `schema` (400 otherwise), a SandboxConflictError answered 409. */
export type Post = <S extends z.ZodType>(
  path: string,
  schema: S,
  handle: (body: z.output<S>, request: FastifyRequest, reply: FastifyReply) => unknown,
) => void;

export function invalid(error: z.ZodError): { error: string; issues: { path: string; message: string }[] } {
  const issues = error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message }));
  return { error: issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues };
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** A public channel's username from its title ("Regional News" → regional_news), or channel_<n>. */
export function usernameFor(title: string, n: number): string {
  const base = title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+|_+$/g, "")
    .slice(0, 32);
  return /^[a-z][a-z0-9_]{4,31}$/.test(base) ? base : `channel_${n}`;
}
