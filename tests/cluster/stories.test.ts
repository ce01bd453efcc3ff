import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { clusterForFile } from "../support/cluster.js";
import { chatId } from "../../src/ids.js";
import { keys, shardOf } from "../../src/store/keys.js";
import { article, startStack, type Stack } from "../support/stack.js";

const { unavailable, cluster } = clusterForFile("Redis Cluster stories");
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const CHANNEL = -1001234567890;

describe.skipIf(unavailable !== undefined)("Bulletin on a Redis Cluster of 3 masters and 3 replicas", () => {
  it("a reader subscribes from the deep link and receives the next article once", async () => {
    stack = await startStack({ name: "cluster-reader", clusterSeeds: cluster().seeds });
    const { telegram } = stack;
    const reader = telegram.addUser({ id: 1002, first_name: "Ali" });
    telegram.userSends(reader, "/start world");
    const [confirmation] = await telegram.waitForMessages(reader.id, 1);
    expect(confirmation!.text).toBe("✅ You now follow: World.");

    expect((await stack.publish(article(["world"], { title: "Summit opens in Geneva" }))).status).toBe(202);
    const messages = await telegram.waitForMessages(reader.id, 2);
    expect(messages[1]!.text).toContain("Summit opens in Geneva");
    await sleep(500);
    expect(telegram.messagesTo(reader.id)).toHaveLength(2);

    // Operators' health checks read the cluster too.
    expect((await fetch(`${stack.httpUrl}/readyz`)).status).toBe(200);
    const metrics = await fetch(`${stack.httpUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^bulletin_subscribers\{category="world",platform="telegram"\} 1$/m);
  });

  it("readers in many shards, spread over the three masters, each receive the article once", async () => {
    stack = await startStack({ name: "cluster-spread", clusterSeeds: cluster().seeds });
    const { telegram } = stack;
    const readers = Array.from({ length: 30 }, (_, i) => telegram.addUser({ id: 5000 + i * 977, first_name: `Reader ${i}` }));
    for (const reader of readers) telegram.userSends(reader, "/start economy");
    for (const reader of readers) await telegram.waitForMessages(reader.id, 1);

    await stack.publish(article(["economy"], { title: "Rates unchanged" }));
    for (const reader of readers) {
      const messages = await telegram.waitForMessages(reader.id, 2);
      expect(messages[1]!.text).toContain("Rates unchanged");
    }
    await sleep(500);
    expect(readers.every((r) => telegram.messagesTo(r.id).length === 2)).toBe(true);
  });

  it("a channel admin links their channel and the next article is posted there once", async () => {
    stack = await startStack({
      name: "cluster-channel",
      clusterSeeds: cluster().seeds,
      tuning: { pacing: { privateMs: 300, groupMs: 330, leaseMs: 5000, retryDelayMs: 300 } },
    });
    const { telegram } = stack;
    const hamid = telegram.addUser({ id: 7001, first_name: "Hamid" });
    telegram.addChat({ id: CHANNEL, type: "channel", title: "Regional News", username: "regional_news" });
    telegram.setMember(CHANNEL, hamid.id, "creator");
    telegram.userSends(hamid, "/link @regional_news world economy");
    const [linked] = await telegram.waitForMessages(hamid.id, 1);
    expect(linked!.text).toBe("✅ Regional News now receives: World, Economy.");

    await stack.publish(article(["world", "economy"], { title: "Budget passes" }));
    const [post] = await telegram.waitForMessages(CHANNEL, 1);
    expect(post!.text).toContain("Budget passes");
    await sleep(500);
    expect(telegram.messagesTo(CHANNEL)).toHaveLength(1);
  });

  // Last: it kills a master (its replica takes over for good).
  it('a reader told "subscribed" stays subscribed when the master holding their record dies at once', async () => {
    stack = await startStack({ name: "cluster-wait", clusterSeeds: cluster().seeds });
    const { telegram } = stack;
    const reader = telegram.addUser({ id: 4242, first_name: "Neda" });
    telegram.userSends(reader, "/start politics");
    const [confirmation] = await telegram.waitForMessages(reader.id, 1);
    expect(confirmation!.text).toBe("✅ You now follow: Politics.");

    const victim = await cluster().masterOf(keys(stack.prefix).chats(shardOf(chatId(reader.id))));
    cluster().kill(victim);
    await cluster().waitForFailover(victim);

    await stack.publish(article(["politics"], { title: "Parliament votes" }));
    const messages = await telegram.waitForMessages(reader.id, 2, 20_000);
    expect(messages[1]!.text).toContain("Parliament votes");
  }, 60_000);
});
