/** The feed parser's thread (started by parse-thread.ts): parses one document per message. */
import { parentPort } from "node:worker_threads";
import { parseFeed } from "./parse.js";
import type { ParseReply, ParseRequest } from "./parse-thread.js";

const port = parentPort;
if (!port) throw new Error("parse-worker.ts runs as a worker thread: see parse-thread.ts");

port.on("message", (request: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { type: "parsed", id: request.id, result: parseFeed(request.bytes, request.contentType, request.feedUrl) };
  } catch (error) {
    const name = error instanceof Error ? error.name : typeof error;
    reply = { type: "parsed", id: request.id, result: { ok: false, error: `unreadable feed: the parser failed (${name})` } };
  }
  port.postMessage(reply);
});
port.postMessage({ type: "ready" } satisfies ParseReply);
