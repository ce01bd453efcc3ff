import { existsSync, mkdirSync, mkdtempSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS } from "../support/browser.js";
import { startStack, article, type Stack } from "../support/stack.js";

const DOCS = fileURLToPath(new URL("../../docs/", import.meta.url));
const USER = "operator";
const PASSWORD = "a-long-dashboard-password";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe.skipIf(!existsSync(CHROMIUM))("the queue dashboard in a real browser", () => {
  it("logs in with the operator's credentials and shows Bulletin's queues with their jobs", async () => {
    stack = await startStack({ name: "dashboard", env: { ADMIN_USER: USER, ADMIN_PASSWORD: PASSWORD } });
    await stack.bulletin.runtime.queues.delivery.pause();
    const reader = stack.telegram.addUser({ id: 9101, first_name: "Reader" });
    stack.telegram.userSends(reader, "/start world");
    await stack.telegram.waitForMessages(reader.id, 1);
    await stack.publish(article(["world"], { title: "Waiting in the queue" }));
    await stack.telegram.waitFor(
      async () => (await stack!.bulletin.runtime.queues.delivery.getJobCountByTypes("prioritized", "wait")) > 0,
      {
        message: "a delivery job waiting",
      },
    );

    const noCredentials = await fetch(`${stack.httpUrl}/admin/queues`);
    expect(noCredentials.status).toBe(401);
    const wrong = await fetch(`${stack.httpUrl}/admin/queues`, {
      headers: { authorization: `Basic ${Buffer.from(`${USER}:wrong-password-here`).toString("base64")}` },
    });
    expect(wrong.status).toBe(401);

    const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "bulletin-chromium-")), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      httpCredentials: { username: USER, password: PASSWORD },
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${stack.httpUrl}/admin/queues`);
      await page.getByText("delivery", { exact: false }).first().waitFor({ timeout: 15_000 });
      await page.getByText("fanout", { exact: false }).first().waitFor({ timeout: 15_000 });
      const body = await page.textContent("body");
      expect(body).toContain("delivery");
      expect(body).toContain("feeds");
      // The paused delivery queue holds the article's chunk job: the operator sees it waiting.
      await page.getByText("delivery", { exact: false }).first().click();
      await page.getByText("Prioritized", { exact: false }).first().click();
      await page.getByText("chunk", { exact: false }).first().waitFor({ timeout: 15_000 });
      expect(await page.textContent("body")).toContain("chunk-world-normal");
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "dashboard.png"), fullPage: true });
      // The README's picture is refreshed on request only, so test runs leave tracked files alone.
      if (!existsSync(join(DOCS, "dashboard.png")) || process.env.UPDATE_SCREENSHOTS === "1") {
        mkdirSync(DOCS, { recursive: true });
        copyFileSync(join(ARTIFACTS, "dashboard.png"), join(DOCS, "dashboard.png"));
      }
    } finally {
      await context.close();
    }
  }, 60_000);
});
