/** parse-worker.ts, except that a document whose URL ends in "/stuck" is never finished: a parser stuck on hostile input. */
import { parentPort } from "node:worker_threads";
import type { ParseReply, ParseRequest } from "../../src/feeds/parse-thread.js";
import { parseFeed } from "../../src/feeds/parse.js";

const port = parentPort!;
port.on("message", (request: ParseRequest) => {
  while (request.feedUrl.endsWith("/stuck")) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  port.postMessage({
    type: "parsed",
    id: request.id,
    result: parseFeed(request.bytes, request.contentType, request.feedUrl),
  } satisfies ParseReply);
});
port.postMessage({ type: "ready" } satisfies ParseReply);
