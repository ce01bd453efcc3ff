/** The operators' variables: ADMIN_USER / ADMIN_PASSWORD, METRICS_TOKEN, ADMIN_CHAT_IDS. */
import { describe, expect, it } from "vitest";
import { ENV_NAMES, loadConfig } from "../../src/config/env.js";
import { ConfigError } from "../../src/config/errors.js";

const BOT_TOKEN = "123456789:AAF-test-token-for-config-tests_x";

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig({ BOT_TOKEN, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("operators' configuration", () => {
  it("is off by default", () => {
    const config = loadConfig({ BOT_TOKEN });
    expect(config.admin).toBeUndefined();
    expect(config.metricsToken).toBeUndefined();
    expect(config.adminUserIds).toBeUndefined();
  });

  it("takes the dashboard's user and password together, and the metrics token", () => {
    const config = loadConfig({
      BOT_TOKEN,
      ADMIN_USER: "ops",
      ADMIN_PASSWORD: "a-long-password",
      METRICS_TOKEN: "scrape-token-0123456789",
      ADMIN_CHAT_IDS: "42, 1234567890",
    });
    expect(config.admin).toEqual({ user: "ops", password: "a-long-password" });
    expect(config.metricsToken).toBe("scrape-token-0123456789");
    expect(config.adminUserIds).toEqual([42, 1234567890]);
  });

  it("says in one line each what is wrong", () => {
    expect(problemsOf({ ADMIN_USER: "ops" })).toEqual([
      "ADMIN_PASSWORD: is needed too: the queue dashboard takes both ADMIN_USER and ADMIN_PASSWORD, or neither (off)",
    ]);
    expect(problemsOf({ ADMIN_PASSWORD: "a-long-password" })[0]).toMatch(/^ADMIN_USER: is needed too/);
    expect(problemsOf({ ADMIN_USER: "ops", ADMIN_PASSWORD: "short" })).toEqual(["ADMIN_PASSWORD: must be at least 12 characters"]);
    expect(problemsOf({ ADMIN_USER: "o:ps", ADMIN_PASSWORD: "a-long-password" })[0]).toMatch(
      /^ADMIN_USER: must be 1 to 64 characters without spaces or ':'/,
    );
    expect(problemsOf({ METRICS_TOKEN: "short" })).toEqual(["METRICS_TOKEN: must be at least 16 characters"]);
    expect(problemsOf({ ADMIN_CHAT_IDS: "42,abc" })[0]).toMatch(/^ADMIN_CHAT_IDS\.1: must be a comma list of Telegram chat ids/);
  });

  it("lists every variable for the deployment files", () => {
    expect(ENV_NAMES).toEqual(
      expect.arrayContaining([
        "BOT_TOKEN",
        "REDIS_URL",
        "ADMIN_USER",
        "ADMIN_PASSWORD",
        "METRICS_TOKEN",
        "ADMIN_CHAT_IDS",
        "ADMIN_USER_IDS",
      ]),
    );
  });
});
