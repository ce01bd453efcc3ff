import { Worker } from "node:worker_threads";
import type { FeedParseResult } from "./parse.js";

/**
 * Feeds are parsed on a worker thread, one document at a time, with a time limit. Parsing a 5 MiB
 * document (the largest a fetch accepts) takes the XML parser alone some hundreds of milliseconds;
 * on the main thread that would hold up everything else the process does (delivery renews its job
 * locks there), and a document that makes some parser slow would hold it up for as long as it takes.
 * Here the main thread only waits; a parse past the limit is given up and its thread replaced.
 */

/** Longer than a 5 MiB feed takes on a busy machine; a parse still running then is given up. */
export const PARSE_TIME_LIMIT_MS = 10_000;
/** Starting the thread loads the parser's modules (tsx compiles them the first time). */
const START_TIME_LIMIT_MS = 60_000;
/** The thread's heap: several times what the largest feed needs. */
const HEAP_LIMIT_MB = 512;

export interface ParseRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly contentType: string | undefined;
  readonly feedUrl: string;
}

export type ParseReply = { readonly type: "ready" } | { readonly type: "parsed"; readonly id: number; readonly result: FeedParseResult };

const WORKER_MODULE = new URL("./parse-worker.ts", import.meta.url);

/** The worker's module is TypeScript: the thread loads it through tsx's API, as `bulletin` (src/cli/bin.js) does. */
function bootstrapOf(module: URL): string {
  return `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
  .then(({ tsImport }) => tsImport(${JSON.stringify(module.href)}, ${JSON.stringify(import.meta.url)}));`;
}

interface Job {
  readonly request: Omit<ParseRequest, "id">;
  readonly resolve: (result: FeedParseResult) => void;
}

export interface FeedParser {
  parse(bytes: Uint8Array, contentType: string | undefined, feedUrl: string): Promise<FeedParseResult>;
}

/** One parser thread, started on first use; while idle it does not keep the process alive. */
export class FeedParseThread implements FeedParser {
  private worker: Worker | undefined;
  private ready = false;
  private readonly queue: Job[] = [];
  private current: { readonly job: Job; readonly id: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nextId = 1;

  private readonly timeLimitMs: number;
  private readonly bootstrap: string;

  /** `workerModule`: a module speaking parse-worker.ts's messages (tests use one that can be made to hang). */
  constructor(options: { readonly timeLimitMs?: number; readonly workerModule?: URL } = {}) {
    this.timeLimitMs = options.timeLimitMs ?? PARSE_TIME_LIMIT_MS;
    this.bootstrap = bootstrapOf(options.workerModule ?? WORKER_MODULE);
  }

  /** Never rejects: a parse that fails, takes too long or loses its thread is `ok: false`. */
  parse(bytes: Uint8Array, contentType: string | undefined, feedUrl: string): Promise<FeedParseResult> {
    return new Promise((resolve) => {
      this.queue.push({ request: { bytes, contentType, feedUrl }, resolve });
      this.pump();
    });
  }

  /** Stops the thread; parses waiting or running end as failures. */
  async close(): Promise<void> {
    const worker = this.worker;
    for (const job of this.queue.splice(0)) job.resolve({ ok: false, error: "the feed parser was closed" });
    this.stop("the feed parser was closed");
    await worker?.terminate();
  }

  private pump(): void {
    if (this.current) return;
    if (this.queue.length === 0) {
      this.worker?.unref();
      return;
    }
    const worker = this.worker ?? this.start();
    worker.ref();
    if (!this.ready) return; // pumped again when the thread says it is ready
    const job = this.queue.shift()!;
    const id = this.nextId++;
    this.current = { job, id };
    this.timer = setTimeout(() => this.stop(`parsing took longer than ${this.timeLimitMs / 1000} s; given up`), this.timeLimitMs);
    worker.postMessage({ id, ...job.request } satisfies ParseRequest);
  }

  private start(): Worker {
    const worker = new Worker(this.bootstrap, { eval: true, resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB } });
    this.worker = worker;
    this.ready = false;
    this.timer = setTimeout(() => this.stop("the feed parser's thread did not start"), START_TIME_LIMIT_MS);
    worker.on("message", (reply: ParseReply) => {
      if (worker !== this.worker) return;
      if (reply.type === "ready") {
        clearTimeout(this.timer);
        this.ready = true;
      } else if (reply.id === this.current?.id) {
        clearTimeout(this.timer);
        const { job } = this.current;
        this.current = undefined;
        job.resolve(reply.result);
      }
      this.pump();
    });
    worker.on("error", (error) => {
      if (worker === this.worker) this.stop(`the feed parser's thread failed (${error.name}: ${error.message})`);
    });
    worker.on("exit", (code) => {
      if (worker === this.worker) this.stop(`the feed parser's thread stopped (exit code ${code})`);
    });
    return worker;
  }

  /**
   * Ends the thread and fails the parse it was running with `reason` (all waiting ones too when the
   * thread never started: a new one would likely fail the same way); the next parse starts another.
   */
  private stop(reason: string): void {
    clearTimeout(this.timer);
    const worker = this.worker;
    const started = this.ready;
    this.worker = undefined;
    this.ready = false;
    void worker?.terminate();
    const failed = this.current ? [this.current.job] : started ? [] : this.queue.splice(0);
    this.current = undefined;
    for (const job of failed) job.resolve({ ok: false, error: reason });
    this.pump();
  }
}

/** The process's parser thread, shared by every poller (parsing is one core's work anyway). */
export const sharedFeedParser = new FeedParseThread();
