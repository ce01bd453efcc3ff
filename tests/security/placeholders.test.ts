/**
 * Finding 3 of issue 16: the example files leave every secret empty, and a placeholder copied from
 * an example or the README stops start-up instead of passing the length rules.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { configProblems } from "../support/config-problems.js";

const BOT_TOKEN = "123456789:AAF-test-token-for-config-tests_x";
const SECRETS = ["BOT_TOKEN", "INGEST_TOKEN", "METRICS_TOKEN", "ADMIN_PASSWORD"];

/** The KEY=value lines of an example file (commented-out lines are not set). */
function assignments(file: string): Map<string, string> {
  const text = readFileSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), "utf8");
  return new Map([...text.matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.trim()]));
}

describe("placeholders for secrets", () => {
  it.each([".env.example", "deploy/.env.example"])("%s leaves every secret empty", (file) => {
    const values = assignments(file);
    for (const name of SECRETS) expect(values.get(name) ?? "", `${file}: ${name}`).toBe("");
  });

  it.each([
    ["BOT_TOKEN", "123456789:replace-with-the-token-from-BotFather"],
    ["BOT_TOKEN", "123456789:your-token-from-BotFather"],
    ["INGEST_TOKEN", "replace-with-a-long-random-secret"],
    ["INGEST_TOKEN", "a-long-random-secret"],
    ["INGEST_TOKEN", "changeme-changeme-changeme"],
    ["METRICS_TOKEN", "your-metrics-token-here"],
    ["ADMIN_PASSWORD", "CHANGE_ME_PLEASE"],
    ["ADMIN_PASSWORD", "placeholder-password"],
  ])("%s=%s stops start-up", (name, value) => {
    const env = { BOT_TOKEN, ...(name === "ADMIN_PASSWORD" ? { ADMIN_USER: "ops" } : {}), [name]: value };
    expect(configProblems(() => loadConfig(env), `${name}=${value}`)).toEqual([
      expect.stringMatching(new RegExp(`^${name}: is a placeholder .*set a secret of your own`)),
    ]);
  });

  it("accepts secrets of one's own", () => {
    const config = loadConfig({
      BOT_TOKEN,
      INGEST_TOKEN: "9f2c7e1b0a4d8e6f3c5b",
      METRICS_TOKEN: "scrape-token-0123456789",
      ADMIN_USER: "ops",
      ADMIN_PASSWORD: "correct-horse-battery",
    });
    expect(config.ingestToken).toBe("9f2c7e1b0a4d8e6f3c5b");
  });
});
