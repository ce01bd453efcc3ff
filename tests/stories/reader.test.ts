import { afterEach, describe, expect, it } from "vitest";
import { startStack, article, type Stack } from "../support/stack.js";

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe("a reader", () => {
  it("subscribes from the deep link and receives the next article once", async () => {
    stack = await startStack({ name: "deeplink" });
    const { telegram } = stack;
    const maryam = telegram.addUser({ id: 1001, first_name: "Maryam", language_code: "en" });
    telegram.userSends(maryam, "/start world");
    const [confirmation] = await telegram.waitForMessages(maryam.id, 1);
    expect(confirmation!.text).toContain("World");

    const published = await stack.publish(article(["world"], { title: "Kyiv: no territorial concessions" }));
    expect(published.status).toBe(202);
    const messages = await telegram.waitForMessages(maryam.id, 2);
    expect(messages[1]!.text).toContain("Kyiv: no territorial concessions");
  });
});
