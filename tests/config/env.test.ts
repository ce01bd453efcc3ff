/**
 * The environment contract (design.md, "Environment"): defaults, and one readable line per problem,
 * both from loadConfig and from the process as an operator starts it.
 */
import { spawn } from "node:child_process";
import { createServer, type AddressInfo, type Server } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configProblems } from "../support/config-problems.js";
import { DEFAULT_REDIS_URL, loadConfig, type Config } from "../../src/config/env.js";

const BOT_TOKEN = "123456789:AAF-test-token-for-config-tests_x";

/** The problems loadConfig reports for `env`; fails the test when it accepts it. */
function problemsOf(env: Record<string, string>): readonly string[] {
  return configProblems(() => loadConfig(env), `the environment ${JSON.stringify(env)}`);
}

function config(env: Record<string, string>): Config {
  return loadConfig({ BOT_TOKEN, ...env });
}

describe("loadConfig", () => {
  describe("defaults", () => {
    const defaults = {
      botToken: BOT_TOKEN,
      telegramApiRoot: "https://api.telegram.org",
      redisUrl: undefined,
      keyPrefix: "bulletin",
      http: { host: "127.0.0.1", port: 3000 },
      ingestToken: undefined,
      categoriesFile: "config/categories.json",
      sendRate: 30,
      paidBroadcast: false,
      feedInterval: 60,
      feedAllowPrivate: false,
      roles: ["bot", "workers", "http", "feeds"],
      logLevel: "info",
      defaultTimezone: "Asia/Tehran",
      inlineWindowDays: 7,
      shareButtons: true,
      shareNetworks: ["telegram", "x", "facebook"],
      webhook: undefined,
    };

    it("gives every variable but BOT_TOKEN its contract default", () => {
      const result = loadConfig({ BOT_TOKEN });
      expect(result).toEqual(defaults);
      // Unset REDIS_URL means the local default, which is the contract's.
      expect(result.redisUrl).toBeUndefined();
      expect(DEFAULT_REDIS_URL).toBe("redis://127.0.0.1:6379");
      // No INGEST_TOKEN: the ingest endpoint refuses every request.
      expect(result.ingestToken).toBeUndefined();
    });

    it("treats empty and blank values as unset", () => {
      const names = [
        "TELEGRAM_API_ROOT",
        "REDIS_URL",
        "KEY_PREFIX",
        "HTTP_HOST",
        "HTTP_PORT",
        "INGEST_TOKEN",
        "CATEGORIES_FILE",
        "SEND_RATE",
        "PAID_BROADCAST",
        "FEED_INTERVAL",
        "FEED_ALLOW_PRIVATE",
        "ROLES",
        "LOG_LEVEL",
        "DEFAULT_TIMEZONE",
        "INLINE_WINDOW_DAYS",
        "SHARE_BUTTONS",
        "SHARE_NETWORKS",
      ];
      expect(loadConfig({ BOT_TOKEN, ...Object.fromEntries(names.map((n) => [n, ""])) })).toEqual(defaults);
      expect(loadConfig({ BOT_TOKEN, ...Object.fromEntries(names.map((n) => [n, "  "])) })).toEqual(defaults);
    });

    it("ignores variables that are not its own", () => {
      expect(loadConfig({ BOT_TOKEN, PATH: "/usr/bin", HOME: "/root", NODE_ENV: "production" })).toEqual(defaults);
    });
  });

  it("takes every variable when set", () => {
    expect(
      loadConfig({
        BOT_TOKEN,
        TELEGRAM_API_ROOT: "http://127.0.0.1:8081/",
        REDIS_URL: "rediss://user:secret@redis.internal:6380/2",
        KEY_PREFIX: "{news}:prod",
        HTTP_HOST: "0.0.0.0",
        HTTP_PORT: "8080",
        INGEST_TOKEN: "a-long-enough-ingest-token",
        CATEGORIES_FILE: "/etc/bulletin/categories.json",
        SEND_RATE: "25",
        PAID_BROADCAST: "false",
        FEED_INTERVAL: "300",
        FEED_ALLOW_PRIVATE: "true",
        ROLES: "http",
        LOG_LEVEL: "debug",
        DEFAULT_TIMEZONE: "Europe/London",
        INLINE_WINDOW_DAYS: "3",
        SHARE_BUTTONS: "false",
        SHARE_NETWORKS: "x, telegram",
        WEBHOOK_URL: "http://bulletin.internal:8080/telegram/updates",
        WEBHOOK_SECRET: "a-webhook-secret-of-16-plus",
      }),
    ).toEqual({
      botToken: BOT_TOKEN,
      telegramApiRoot: "http://127.0.0.1:8081",
      redisUrl: "rediss://user:secret@redis.internal:6380/2",
      keyPrefix: "{news}:prod",
      http: { host: "0.0.0.0", port: 8080 },
      ingestToken: "a-long-enough-ingest-token",
      categoriesFile: "/etc/bulletin/categories.json",
      sendRate: 25,
      paidBroadcast: false,
      feedInterval: 300,
      feedAllowPrivate: true,
      roles: ["http"],
      logLevel: "debug",
      defaultTimezone: "Europe/London",
      inlineWindowDays: 3,
      shareButtons: false,
      shareNetworks: ["x", "telegram"],
      webhook: { url: "http://bulletin.internal:8080/telegram/updates", path: "/telegram/updates", secret: "a-webhook-secret-of-16-plus" },
    });
  });

  describe("sharing (issue 15)", () => {
    it("keeps the inline window within the 14 days articles are kept", () => {
      expect(problemsOf({ BOT_TOKEN, INLINE_WINDOW_DAYS: "15" })).toEqual([
        "INLINE_WINDOW_DAYS: must be at most 14: articles are kept 14 days",
      ]);
      expect(problemsOf({ BOT_TOKEN, INLINE_WINDOW_DAYS: "0" })).toHaveLength(1);
      expect(problemsOf({ BOT_TOKEN, INLINE_WINDOW_DAYS: "week" })).toEqual(["INLINE_WINDOW_DAYS: must be a number of days"]);
    });

    it("names the networks it knows when SHARE_NETWORKS has another", () => {
      expect(problemsOf({ BOT_TOKEN, SHARE_NETWORKS: "telegram,instagram" })).toEqual([
        "SHARE_NETWORKS.1: must be a comma list of telegram, x, facebook",
      ]);
    });
  });

  describe("Bale (issue 15)", () => {
    const BALE_TOKEN = "987654321:bale-test-token-for-config-tests_y";

    it("is off without BALE_BOT_TOKEN, and on with it at tapi.bale.ai and 20 messages a second", () => {
      expect(config({}).bale).toBeUndefined();
      expect(config({ BALE_BOT_TOKEN: BALE_TOKEN }).bale).toEqual({ botToken: BALE_TOKEN, apiRoot: "https://tapi.bale.ai", sendRate: 20 });
    });

    it("takes its own API root and send rate", () => {
      expect(config({ BALE_BOT_TOKEN: BALE_TOKEN, BALE_API_ROOT: "http://127.0.0.1:9090/", BALE_SEND_RATE: "5" }).bale).toEqual({
        botToken: BALE_TOKEN,
        apiRoot: "http://127.0.0.1:9090",
        sendRate: 5,
      });
    });

    it("says in one line each what is wrong, without echoing the token", () => {
      expect(problemsOf({ BOT_TOKEN, BALE_BOT_TOKEN: "not-a-token" })).toEqual([
        "BALE_BOT_TOKEN: does not look like a Bale bot token from @BotFather in Bale (digits, a colon, then 20+ letters)",
      ]);
      expect(problemsOf({ BOT_TOKEN, BALE_BOT_TOKEN: BALE_TOKEN, BALE_SEND_RATE: "fast" })).toEqual([
        "BALE_SEND_RATE: must be a number of messages a second",
      ]);
      expect(problemsOf({ BOT_TOKEN, BALE_BOT_TOKEN: BALE_TOKEN, BALE_API_ROOT: "tapi.bale.ai" })).toEqual([
        "BALE_API_ROOT: must be an http(s) URL, like https://tapi.bale.ai",
      ]);
      expect(problemsOf({ BOT_TOKEN, BALE_SEND_RATE: "10" })).toEqual([
        "BALE_SEND_RATE: is set but BALE_BOT_TOKEN is not: Bale is off without its bot's token",
      ]);
    });

    it("refuses the Telegram bot's own token as Bale's", () => {
      const sameBot = `${BOT_TOKEN.split(":")[0]}:another-secret-of-the-same-bot_z`;
      expect(problemsOf({ BOT_TOKEN, BALE_BOT_TOKEN: sameBot })).toEqual([
        "BALE_BOT_TOKEN: names the same bot as BOT_TOKEN: Bale needs its own bot, made with @BotFather in Bale",
      ]);
    });
  });

  describe("BOT_TOKEN", () => {
    it("is required: one line naming it", () => {
      const problems = problemsOf({});
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^BOT_TOKEN: is required/);
      expect(problems[0]).toContain("@BotFather");
    });

    it("must look like a token, and the line does not echo the value", () => {
      const problems = problemsOf({ BOT_TOKEN: "12345:short-secret" });
      expect(problems).toEqual([expect.stringMatching(/^BOT_TOKEN: does not look like a bot token/)]);
      expect(problems[0]).not.toContain("short-secret");
    });
  });

  describe("REDIS_URL", () => {
    it.each(["nonsense", "127.0.0.1:6379", "http://127.0.0.1:6379", "redis//127.0.0.1"])("refuses %s with one line naming it", (value) => {
      expect(problemsOf({ BOT_TOKEN, REDIS_URL: value })).toEqual([
        "REDIS_URL: must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379",
      ]);
    });

    it("reports a missing BOT_TOKEN and a malformed REDIS_URL as two lines", () => {
      const problems = problemsOf({ REDIS_URL: "nonsense" });
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatch(/^BOT_TOKEN: /);
      expect(problems[1]).toMatch(/^REDIS_URL: /);
    });
  });

  describe("SEND_RATE", () => {
    it("may be up to 30 without PAID_BROADCAST", () => {
      expect(config({ SEND_RATE: "30" }).sendRate).toBe(30);
      expect(config({ SEND_RATE: "12.5" }).sendRate).toBe(12.5);
    });

    it("above 30 without PAID_BROADCAST is refused, pointing at PAID_BROADCAST", () => {
      const problems = problemsOf({ BOT_TOKEN, SEND_RATE: "31" });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^SEND_RATE: must be at most 30/);
      expect(problems[0]).toContain("PAID_BROADCAST=true");
      expect(problemsOf({ BOT_TOKEN, SEND_RATE: "31", PAID_BROADCAST: "no" })).toEqual(problems);
    });

    it("may go up to 1000 with PAID_BROADCAST", () => {
      expect(config({ SEND_RATE: "31", PAID_BROADCAST: "true" })).toMatchObject({ sendRate: 31, paidBroadcast: true });
      expect(config({ SEND_RATE: "1000", PAID_BROADCAST: "1" })).toMatchObject({ sendRate: 1000, paidBroadcast: true });
    });

    it("above 1000 is refused even with PAID_BROADCAST", () => {
      expect(problemsOf({ BOT_TOKEN, SEND_RATE: "1001", PAID_BROADCAST: "yes" })).toEqual([
        expect.stringMatching(/^SEND_RATE: must be at most 1000/),
      ]);
    });

    it("is reported together with the other problems", () => {
      const problems = problemsOf({ SEND_RATE: "100", HTTP_PORT: "http" });
      expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["BOT_TOKEN", "HTTP_PORT", "SEND_RATE"]);
    });

    it.each([
      ["0", "SEND_RATE: must be above 0"],
      ["-5", "SEND_RATE: must be above 0"],
      ["fast", "SEND_RATE: must be a number"],
    ])("refuses %s", (value, line) => {
      expect(problemsOf({ BOT_TOKEN, SEND_RATE: value })).toEqual([line]);
    });
  });

  describe("PAID_BROADCAST", () => {
    it.each([
      ["true", true],
      ["1", true],
      ["yes", true],
      ["false", false],
      ["0", false],
      ["no", false],
    ])("reads %s as %s", (value, expected) => {
      expect(config({ PAID_BROADCAST: value }).paidBroadcast).toBe(expected);
    });

    it("refuses anything else", () => {
      expect(problemsOf({ BOT_TOKEN, PAID_BROADCAST: "maybe" })).toEqual(["PAID_BROADCAST: must be true or false"]);
    });
  });

  describe("ROLES", () => {
    it.each([
      ["bot", ["bot"]],
      ["workers,http", ["workers", "http"]],
      [" http , workers ", ["http", "workers"]],
      ["bot,,http,", ["bot", "http"]],
      ["bot,workers,http", ["bot", "workers", "http"]],
    ])("reads %j", (value, roles) => {
      expect(config({ ROLES: value }).roles).toEqual(roles);
    });

    it("refuses an unknown role, listing the known ones", () => {
      const problems = problemsOf({ BOT_TOKEN, ROLES: "bot,dashboard" });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^ROLES\b/);
      expect(problems[0]).toContain("bot, workers, http");
    });

    it("refuses a list of nothing but commas", () => {
      expect(problemsOf({ BOT_TOKEN, ROLES: " , ," })).toEqual([expect.stringMatching(/^ROLES: .*bot, workers, http/)]);
    });
  });

  describe("HTTP_PORT", () => {
    it("is read as a number", () => {
      expect(config({ HTTP_PORT: "8443" }).http.port).toBe(8443);
      expect(config({ HTTP_PORT: "0" }).http.port).toBe(0);
    });

    it("refuses what is not a number with one line naming it", () => {
      expect(problemsOf({ BOT_TOKEN, HTTP_PORT: "http" })).toEqual(["HTTP_PORT: must be a port number"]);
    });

    it.each(["70000", "-1", "80.5"])("refuses %s, naming HTTP_PORT", (value) => {
      expect(problemsOf({ BOT_TOKEN, HTTP_PORT: value })).toEqual([expect.stringMatching(/^HTTP_PORT: /)]);
    });
  });

  describe("WEBHOOK_URL and WEBHOOK_SECRET", () => {
    const SECRET = "a-webhook-secret-of-16-plus";

    it("take webhook mode with Telegram over https, the path being the route", () => {
      expect(config({ WEBHOOK_URL: "https://bot.example.com/telegram/updates", WEBHOOK_SECRET: SECRET }).webhook).toEqual({
        url: "https://bot.example.com/telegram/updates",
        path: "/telegram/updates",
        secret: SECRET,
      });
    });

    it("need each other, one line for the one missing", () => {
      expect(problemsOf({ BOT_TOKEN, WEBHOOK_URL: "https://bot.example.com/telegram/updates" })).toEqual([
        expect.stringMatching(/^WEBHOOK_SECRET: is required with WEBHOOK_URL/),
      ]);
      expect(problemsOf({ BOT_TOKEN, WEBHOOK_SECRET: SECRET })).toEqual([
        expect.stringMatching(/^WEBHOOK_SECRET: is set but WEBHOOK_URL is not/),
      ]);
    });

    it("refuse http with Telegram's own Bot API, but not on loopback or with a local Bot API server", () => {
      expect(problemsOf({ BOT_TOKEN, WEBHOOK_URL: "http://bot.example.com/telegram/updates", WEBHOOK_SECRET: SECRET })).toEqual([
        expect.stringMatching(/^WEBHOOK_URL: must be https:\/\//),
      ]);
      expect(config({ WEBHOOK_URL: "http://127.0.0.1/telegram/updates", WEBHOOK_SECRET: SECRET }).webhook?.path).toBe("/telegram/updates");
      const local = { TELEGRAM_API_ROOT: "http://127.0.0.1:8081", WEBHOOK_URL: "http://bulletin:3000/tg", WEBHOOK_SECRET: SECRET };
      expect(config(local).webhook?.url).toBe("http://bulletin:3000/tg");
    });

    it("report each problem on its own line: a port Telegram does not post to, no path of its own, a weak secret, the bot without http", () => {
      const problems = problemsOf({
        BOT_TOKEN,
        WEBHOOK_URL: "https://bot.example.com:3000/healthz",
        WEBHOOK_SECRET: SECRET,
        ROLES: "bot",
      });
      expect(problems).toEqual([
        expect.stringMatching(/^WEBHOOK_URL: port 3000: Telegram posts only to ports 443, 80, 88 or 8443/),
        expect.stringMatching(/^WEBHOOK_URL: needs a path of its own/),
        expect.stringMatching(/^ROLES: with WEBHOOK_URL the bot receives updates on the HTTP server/),
      ]);
      expect(problemsOf({ BOT_TOKEN, WEBHOOK_URL: "https://bot.example.com/tg", WEBHOOK_SECRET: "short" })).toEqual([
        "WEBHOOK_SECRET: must be 16 to 256 letters, digits, _ or - (what Telegram allows in secret_token)",
      ]);
      expect(problemsOf({ BOT_TOKEN, WEBHOOK_URL: "ftp://bot.example.com/tg", WEBHOOK_SECRET: SECRET })).toEqual([
        expect.stringMatching(/^WEBHOOK_URL: must be an https:\/\/ URL/),
      ]);
    });
  });

  describe("the other variables", () => {
    it("refuses a short INGEST_TOKEN without echoing it", () => {
      const problems = problemsOf({ BOT_TOKEN, INGEST_TOKEN: "hunter2" });
      expect(problems).toEqual(["INGEST_TOKEN: must be at least 16 characters"]);
    });

    it.each([
      ["TELEGRAM_API_ROOT", "api.telegram.org"],
      ["KEY_PREFIX", "has spaces"],
      ["FEED_INTERVAL", "5"],
      ["LOG_LEVEL", "loud"],
      ["DEFAULT_TIMEZONE", "Tehran"],
    ])("refuses a bad %s with one line naming it", (name, value) => {
      expect(problemsOf({ BOT_TOKEN, [name]: value })).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
    });

    it("takes DEFAULT_TIMEZONE as Node spells the zone, and refuses one Node does not know in one readable line", () => {
      expect(config({ DEFAULT_TIMEZONE: "europe/london" }).defaultTimezone).toBe("Europe/London");
      expect(problemsOf({ BOT_TOKEN, DEFAULT_TIMEZONE: "Mars/Olympus" })).toEqual([
        "DEFAULT_TIMEZONE: must be an IANA time zone name Node knows, like Asia/Tehran or Europe/London",
      ]);
    });
  });
});

/** `node --import tsx <abs>/src/main.ts`, from a directory without a .env, with only `env` set. */
describe("the process", () => {
  const require = createRequire(import.meta.url);
  const TSX = pathToFileURL(require.resolve("tsx")).href;
  const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "bulletin-env-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
    lines: string[];
  }

  function run(env: Record<string, string>): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", TSX, MAIN], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? dir, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`main.ts did not exit within 20 s\nstdout: ${stdout}\nstderr: ${stderr}`));
      }, 20_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, lines: stderr.split("\n").filter((line) => line !== "") });
      });
    });
  }

  function expectOnlyProblemLines(result: Run): void {
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).not.toMatch(/^ {4}at /m);
    expect(result.stderr.endsWith("\n")).toBe(true);
    for (const line of result.lines) expect(line).toMatch(/^bulletin: /);
  }

  /** Valid apart from what a test changes; nothing here is contacted before the categories load. */
  function validEnv(categoriesFile: string): Record<string, string> {
    return {
      BOT_TOKEN,
      TELEGRAM_API_ROOT: "http://127.0.0.1:9",
      REDIS_URL: "redis://127.0.0.1:6379",
      KEY_PREFIX: "test-env-process",
      CATEGORIES_FILE: categoriesFile,
      LOG_LEVEL: "silent",
    };
  }

  function categoriesFile(name: string, content: string): string {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  }

  // Without BOT_TOKEN `npm start` opens the sandbox (issue 7); SANDBOX=false says this is a real
  // deployment, where a missing token is a configuration error.
  it("exits 2 with one line per problem for no BOT_TOKEN (sandbox off) and REDIS_URL=nonsense", async () => {
    const result = await run({ SANDBOX: "false", REDIS_URL: "nonsense" });
    expectOnlyProblemLines(result);
    expect(result.lines).toHaveLength(2);
    expect(result.lines[0]).toMatch(/^bulletin: BOT_TOKEN: is required/);
    expect(result.lines[1]).toBe("bulletin: REDIS_URL: must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379");
    expect(result.stdout).toBe("");
  });

  it("still exits 2 for a bad REDIS_URL when the missing token opens the sandbox", async () => {
    const result = await run({ REDIS_URL: "nonsense" });
    expectOnlyProblemLines(result);
    expect(result.lines).toEqual(["bulletin: REDIS_URL: must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379"]);
  });

  it("exits 2 naming the file, the entry and the problem for a bad slug", async () => {
    const file = categoriesFile(
      "bad-slug.json",
      JSON.stringify({
        categories: [
          { slug: "world", title: { en: "World" } },
          { slug: "World!", title: { en: "World again" } },
          { slug: "world", title: { en: "World twice" } },
        ],
      }),
    );
    const result = await run(validEnv(file));
    expectOnlyProblemLines(result);
    expect(result.lines).toContain(`bulletin: ${file}: categories[1] ("World!").slug: must match [a-z0-9_-]{1,32}`);
    for (const line of result.lines) expect(line.startsWith(`bulletin: ${file}: categories[`)).toBe(true);
  });

  it("exits 2 naming the file and the entry of a duplicate slug", async () => {
    const file = categoriesFile(
      "duplicate.json",
      JSON.stringify({
        categories: [
          { slug: "world", title: { en: "World" } },
          { slug: "politics", title: { en: "Politics" } },
          { slug: "world", title: { en: "World twice" } },
        ],
      }),
    );
    const result = await run(validEnv(file));
    expectOnlyProblemLines(result);
    expect(result.lines).toEqual([`bulletin: ${file}: categories[2] ("world"): duplicate slug`]);
  });

  it("exits 2 with one line for a categories file that is not JSON", async () => {
    const file = categoriesFile("broken.json", '{ "categories": [ { "slug": "world", } ] }');
    const result = await run(validEnv(file));
    expectOnlyProblemLines(result);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatch(new RegExp(`^bulletin: ${escapeRegExp(file)}: not valid JSON \\(.+\\)$`));
  });

  it("exits 2 with one line for a categories file that does not exist", async () => {
    const file = join(dir, "missing.json");
    const result = await run(validEnv(file));
    expectOnlyProblemLines(result);
    expect(result.lines).toEqual([`bulletin: ${file}: cannot read the categories file (ENOENT)`]);
  });

  describe("with HTTP_PORT in use", () => {
    let busy: Server;
    let port: number;
    beforeAll(async () => {
      busy = createServer();
      await new Promise<void>((resolve) => busy.listen({ host: "127.0.0.1", port: 0 }, resolve));
      port = (busy.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

    const inUse = () =>
      `bulletin: HTTP_PORT: 127.0.0.1:${port} is in use by another program (another Bulletin or sandbox?); stop it or choose another port, e.g. HTTP_PORT=${port + 1}`;

    it("exits 2 with one line before anything starts", async () => {
      const result = await run({ ...validEnv("config/categories.json"), HTTP_PORT: String(port), LOG_LEVEL: "info" });
      expectOnlyProblemLines(result);
      expect(result.lines).toEqual([inUse()]);
      // Not a line of the bot or the workers: nothing started.
      expect(result.stdout).toBe("");
    });

    it("exits 2 with one line in the sandbox, whose keys (maybe the other sandbox's) stay", async () => {
      const redis = new Redis("redis://127.0.0.1:6379");
      const keyPrefix = `test-env-busy-${process.pid}`;
      const kept = `bulletin-sandbox-${keyPrefix}:chats:{1}`;
      try {
        await redis.set(kept, "a reader of the sandbox already running");
        const result = await run({ REDIS_URL: "redis://127.0.0.1:6379", KEY_PREFIX: keyPrefix, HTTP_PORT: String(port) });
        expectOnlyProblemLines(result);
        expect(result.lines).toEqual([inUse()]);
        expect(await redis.exists(kept)).toBe(1);
      } finally {
        await redis.del(kept);
        redis.disconnect();
      }
    });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
