/**
 * Finding 2 of issue 16: the sandbox (an unauthenticated publish form on a Telegram of its own)
 * starts only when asked, only on loopback, and answers only to loopback names, so that a
 * deployment that lost its BOT_TOKEN stops instead of serving it to the network.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { loadCategories } from "../../src/config/categories.js";
import { loadConfig } from "../../src/config/env.js";
import { buildHttpServer } from "../../src/http/server.js";
import { createLogger } from "../../src/log.js";
import { SandboxClock } from "../../src/sandbox/clock.js";
import { sandboxEnv, sandboxRequested } from "../../src/sandbox/mode.js";
import { registerSandbox } from "../../src/sandbox/routes.js";
import { SANDBOX_TOKEN, startSandboxTelegram, type SandboxTelegram } from "../../src/sandbox/start.js";
import { configProblems } from "../support/config-problems.js";
import { CATEGORIES_FILE } from "../support/stack.js";

const telegram = { token: SANDBOX_TOKEN, apiRoot: "http://127.0.0.1:1" };

let sandbox: SandboxTelegram | undefined;
afterEach(async () => {
  await sandbox?.telegram.close();
  sandbox = undefined;
});

describe("the sandbox's reach", () => {
  it("opens without a token only for a developer on loopback; a server listening on the network needs its token", () => {
    expect(sandboxRequested({})).toBe(true);
    expect(sandboxRequested({ HTTP_HOST: "127.0.0.1" })).toBe(true);
    expect(sandboxRequested({ HTTP_HOST: "localhost" })).toBe(true);
    // The image's setting: a production deployment that lost its BOT_TOKEN.
    expect(sandboxRequested({ HTTP_HOST: "0.0.0.0" })).toBe(false);
    expect(sandboxRequested({ HTTP_HOST: "0.0.0.0", SANDBOX: "false" })).toBe(false);
    expect(configProblems(() => loadConfig({ HTTP_HOST: "0.0.0.0" }), "no token, on the network")).toEqual([
      expect.stringMatching(/^BOT_TOKEN: is required/),
    ]);
  });

  it("refuses to listen off loopback, even when asked for with SANDBOX=true", () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "bulletin.example.com"]) {
      expect(configProblems(() => loadConfig(sandboxEnv({ SANDBOX: "true", HTTP_HOST: host }, telegram)), host)).toEqual([
        expect.stringMatching(/^HTTP_HOST: must be a loopback address .* in the sandbox/),
      ]);
    }
    for (const host of ["127.0.0.1", "::1", "localhost", "127.0.0.2"]) {
      expect(loadConfig(sandboxEnv({ SANDBOX: "true", HTTP_HOST: host }, telegram)).http.host).toBe(host);
    }
  });

  it("answers only requests addressed to a loopback name (no DNS rebinding from a web page)", async () => {
    sandbox = await startSandboxTelegram();
    const logger = createLogger("silent");
    const unused = () => Promise.reject(new Error("unused"));
    const app = buildHttpServer({ ingestor: { ingest: unused } as never, ingestToken: undefined, logger });
    registerSandbox(app, {
      telegram: sandbox.telegram,
      clock: new SandboxClock(),
      timezone: "Asia/Tehran",
      ingestor: { ingest: unused },
      categories: loadCategories(CATEGORIES_FILE),
      queues: { fanout: { getJobCounts: () => Promise.resolve({}) }, delivery: { getJobCounts: () => Promise.resolve({}) } } as never,
      logger,
      feedFetch: { allowPrivate: false },
    });
    try {
      for (const host of ["127.0.0.1:3000", "localhost:3000", "[::1]:3000", "localhost"]) {
        const page = await app.inject({ method: "GET", url: "/sandbox", headers: { host } });
        expect(page.statusCode, host).toBe(200);
      }
      for (const host of ["attacker.example:3000", "127.0.0.1.attacker.example", "evil-localhost"]) {
        for (const url of ["/sandbox", "/sandbox/state", "/healthz"]) {
          const refused = await app.inject({ method: "GET", url, headers: { host } });
          expect(refused.statusCode, `${host} ${url}`).toBe(403);
          expect(refused.json()).toEqual({ error: expect.stringContaining("loopback") });
        }
      }
    } finally {
      await app.close();
    }
  });

  it("never runs in the Docker image", () => {
    const dockerfile = readFileSync(fileURLToPath(new URL("../../deploy/Dockerfile", import.meta.url)), "utf8");
    expect(dockerfile).toMatch(/^\s+SANDBOX=false\b/m);
  });
});
