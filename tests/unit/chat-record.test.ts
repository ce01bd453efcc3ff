import { describe, expect, it } from "vitest";
import { politics, science, sports, world, readerRecord } from "../support/records.js";
import { categorySlug } from "../../src/ids.js";
import {
  DEFAULT_PREFS,
  decodeChatRecord,
  encodeChatRecord,
  prefsOf,
  subscribedSlugs,
  withSubscriptions,
  withoutSubscriptions,
  type ChatKind,
  type ChatRecord,
  withoutNextDue,
  type ReaderPrefs,
} from "../../src/store/chat-record.js";

const record = readerRecord;

const roundTrip = (r: ChatRecord): ChatRecord => decodeChatRecord(encodeChatRecord(r));

describe("a chat record survives being stored and read back", () => {
  it.each<[ChatKind, string]>([
    ["private", "p"],
    ["group", "g"],
    ["supergroup", "s"],
    ["channel", "c"],
  ])("a %s chat is stored with the one-letter code %s and read back as the same kind", (kind, code) => {
    const encoded = encodeChatRecord(record({ kind }));
    expect(encoded.startsWith(`${code}|`)).toBe(true);
    expect(decodeChatRecord(encoded).kind).toBe(kind);
  });

  it.each(["en", "fa", "pt-br", "zh-hans"])("a reader's language %s is kept as is", (language) => {
    expect(roundTrip(record({ language })).language).toBe(language);
  });

  it("an inactive chat (it blocked the bot) stays inactive", () => {
    expect(roundTrip(record({ active: false })).active).toBe(false);
    expect(roundTrip(record({ active: true })).active).toBe(true);
  });

  it("a chat without subscriptions reads back with none", () => {
    const back = roundTrip(record({ subscriptions: [] }));
    expect(back.subscriptions).toEqual([]);
    expect(subscribedSlugs(back)).toEqual([]);
  });

  it("several subscriptions keep their order, and a `since` above the cursor is kept", () => {
    const original = record({
      cursor: 1000,
      subscriptions: [
        { slug: world, since: 0 },
        { slug: politics, since: 1500 },
        { slug: science, since: 123_456_789 },
      ],
    });
    expect(roundTrip(original)).toEqual(original);
    expect(subscribedSlugs(roundTrip(original))).toEqual([world, politics, science]);
  });

  it("the cursor, `since` and sentAhead are written in base 36", () => {
    const encoded = encodeChatRecord(
      record({ cursor: 36 * 36 - 1, subscriptions: [{ slug: world, since: 36 * 36 }], sentAhead: [36 * 36 + 35, 46_656] }),
    );
    expect(encoded).toBe("p|en|1|world@100|zz|10z,1000");
  });

  it("a large cursor (years of articles) round-trips exactly", () => {
    const original = record({ cursor: 2_147_483_647, sentAhead: [2_147_483_650, 2_147_483_700] });
    expect(roundTrip(original)).toEqual(original);
  });

  it("breaking news sent ahead of the cursor is remembered, in order", () => {
    const original = record({ cursor: 10, sentAhead: [12, 15, 40] });
    expect(roundTrip(original).sentAhead).toEqual([12, 15, 40]);
  });

  it("a `since` the cursor already passed is not stored (it no longer matters) and reads back as 0", () => {
    const encoded = encodeChatRecord(
      record({
        cursor: 500,
        subscriptions: [
          { slug: world, since: 499 },
          { slug: politics, since: 500 },
          { slug: sports, since: 501 },
        ],
      }),
    );
    expect(encoded).toBe(`p|en|1|world,politics,sports@${(501).toString(36)}|${(500).toString(36)}|`);
    expect(decodeChatRecord(encoded).subscriptions).toEqual([
      { slug: world, since: 0 },
      { slug: politics, since: 0 },
      { slug: sports, since: 501 },
    ]);
  });

  it("articles sent ahead that the cursor has since passed are forgotten", () => {
    const back = roundTrip(record({ cursor: 20, sentAhead: [5, 19, 20, 21, 30] }));
    expect(back.sentAhead).toEqual([21, 30]);
  });

  it("encoding is canonical: storing what was read gives the same string (the compare-and-set relies on it)", () => {
    const samples = [
      record(),
      record({ kind: "channel", language: "fa", active: false, subscriptions: [], cursor: 77 }),
      record({
        cursor: 500,
        subscriptions: [
          { slug: world, since: 3 },
          { slug: politics, since: 900 },
        ],
        sentAhead: [1, 600],
      }),
    ];
    for (const sample of samples) {
      const once = encodeChatRecord(sample);
      expect(encodeChatRecord(decodeChatRecord(once))).toBe(once);
    }
  });

  it.each(["", "x|en|1|world|0|", "garbage", "|en|1|world|0|", "P|en|1|world|0|"])(
    "a corrupt record %j is refused loudly instead of being guessed at",
    (encoded) => {
      expect(() => decodeChatRecord(encoded)).toThrow(/corrupt chat record/);
    },
  );

  describe("memory budget (the design stores a million of these)", () => {
    const oneSubscription = (slug: string, cursor: number) =>
      encodeChatRecord(record({ subscriptions: [{ slug: categorySlug(slug), since: 0 }], cursor }));
    const bytes = (s: string) => Buffer.byteLength(s, "utf8");

    it("a new private reader of one category fits in 16 bytes while the article count is small", () => {
      expect(bytes(oneSubscription("world", 0))).toBe(15);
      expect(bytes(oneSubscription("world", 36 * 36 - 1))).toBeLessThanOrEqual(16);
    });

    // Measured, not a wish: a 3-4 digit base-36 cursor (46,656 to 1.68 million articles) pushes the
    // typical record past 16 bytes. See the report to the lead.
    it.each([
      ["world", 50_000, 18],
      ["world", 1_000_000, 18],
      ["science", 1_000_000, 20],
      ["politics", 1_000_000, 21],
    ])("a private reader of %s at cursor %i costs %i bytes", (slug, cursor, expected) => {
      expect(bytes(oneSubscription(slug, cursor))).toBe(expected);
    });
  });
});

describe("subscribing", () => {
  const defaults = { kind: "private" as const, language: "fa" };

  it("a brand-new chat starts at the newest article and follows its categories from there", () => {
    const after = withSubscriptions(undefined, [world, politics], 4242, defaults);
    expect(after).toEqual({
      kind: "private",
      language: "fa",
      active: true,
      subscriptions: [
        { slug: world, since: 0 },
        { slug: politics, since: 0 },
      ],
      cursor: 4242,
      sentAhead: [],
    });
  });

  it("a new channel takes its kind from the defaults", () => {
    expect(withSubscriptions(undefined, [world], 1, { kind: "channel", language: "en" }).kind).toBe("channel");
  });

  it("an active reader adding a category gets only that category's articles from now on; the rest is untouched", () => {
    const before = record({ cursor: 100, subscriptions: [{ slug: world, since: 0 }], sentAhead: [103] });
    const after = withSubscriptions(before, [politics], 110, defaults);
    expect(after.subscriptions).toEqual([
      { slug: world, since: 0 },
      { slug: politics, since: 110 },
    ]);
    expect(after.cursor).toBe(100);
    expect(after.sentAhead).toEqual([103]);
    expect(after.language).toBe("en");
    expect(after.kind).toBe("private");
  });

  it("subscribing again to a followed category changes nothing and adds no duplicate", () => {
    const before = record({
      cursor: 100,
      subscriptions: [
        { slug: world, since: 0 },
        { slug: politics, since: 105 },
      ],
    });
    const after = withSubscriptions(before, [world, politics, sports], 110, defaults);
    expect(after.subscriptions).toEqual([
      { slug: world, since: 0 },
      { slug: politics, since: 105 },
      { slug: sports, since: 110 },
    ]);
  });

  it("a chat that had left (blocked the bot) starts fresh: new cursor, old state dropped", () => {
    const before = record({
      kind: "group",
      language: "en",
      active: false,
      subscriptions: [{ slug: sports, since: 0 }],
      cursor: 10,
      sentAhead: [12],
    });
    const after = withSubscriptions(before, [world], 900, { kind: "supergroup", language: "fa" });
    expect(after).toEqual({
      kind: "supergroup",
      language: "fa",
      active: true,
      subscriptions: [{ slug: world, since: 0 }],
      cursor: 900,
      sentAhead: [],
    });
  });

  it("a subscription added to an active chat survives storage", () => {
    const after = withSubscriptions(record({ cursor: 100 }), [politics], 110, defaults);
    expect(roundTrip(after)).toEqual(after);
  });
});

describe("unsubscribing", () => {
  it("drops only the named categories and keeps the cursor", () => {
    const before = record({
      cursor: 50,
      subscriptions: [
        { slug: world, since: 0 },
        { slug: politics, since: 60 },
        { slug: sports, since: 0 },
      ],
      sentAhead: [55],
    });
    const after = withoutSubscriptions(before, [politics, science]);
    expect(after.subscriptions).toEqual([
      { slug: world, since: 0 },
      { slug: sports, since: 0 },
    ]);
    expect(after.cursor).toBe(50);
    expect(after.sentAhead).toEqual([55]);
    expect(after.active).toBe(true);
  });

  it("dropping everything leaves an active chat with no subscriptions", () => {
    expect(withoutSubscriptions(record(), [world]).subscriptions).toEqual([]);
  });
});

describe("a reader's preferences in the record", () => {
  const settings: ReaderPrefs = {
    digest: { kind: "daily", at: 8 * 60 + 30 },
    timezone: "Europe/London",
    quiet: { from: 23 * 60, to: 7 * 60 },
    languages: ["fa", "en"],
    muted: ["football", "covid 19"],
    languageChosen: true,
    nextDue: 29_000_000,
  };

  it("a reader with the defaults costs not one byte more than before preferences existed", () => {
    expect(encodeChatRecord(record())).toBe("p|en|1|world|0|");
    expect(encodeChatRecord(record({ prefs: DEFAULT_PREFS }))).toBe("p|en|1|world|0|");
    expect(encodeChatRecord(record({ prefs: { digest: { kind: "instant" }, muted: [] } }))).toBe("p|en|1|world|0|");
  });

  it("every setting survives being stored and read back", () => {
    expect(roundTrip(record({ prefs: settings })).prefs).toEqual(settings);
  });

  it.each<[string, ReaderPrefs, string]>([
    ["an hourly digest", { ...DEFAULT_PREFS, digest: { kind: "hourly" } }, "d=h"],
    ["a daily digest at 08:30 (minute 510)", { ...DEFAULT_PREFS, digest: { kind: "daily", at: 510 } }, `d=${(510).toString(36)}`],
    ["a daily digest at midnight", { ...DEFAULT_PREFS, digest: { kind: "daily", at: 0 } }, "d=0"],
    ["a time zone", { ...DEFAULT_PREFS, timezone: "America/Argentina/Buenos_Aires" }, "z=America/Argentina/Buenos_Aires"],
    ["quiet hours across midnight", { ...DEFAULT_PREFS, quiet: { from: 1380, to: 420 } }, `q=${(1380).toString(36)}-${(420).toString(36)}`],
    ["article languages", { ...DEFAULT_PREFS, languages: ["fa"] }, "l=fa"],
    ["no article language at all", { ...DEFAULT_PREFS, languages: [] }, "l="],
    ["a chosen language", { ...DEFAULT_PREFS, languageChosen: true }, "lc"],
    ["articles held until a minute", { ...DEFAULT_PREFS, nextDue: 36 * 36 }, "n=100"],
  ])("%s is one short token in the last field, and reads back", (_what, prefs, token) => {
    const encoded = encodeChatRecord(record({ prefs }));
    expect(encoded).toBe(`p|en|1|world|0||${token}`);
    expect(decodeChatRecord(encoded).prefs).toEqual(prefs);
  });

  it("Persian muted words are stored as they are: UTF-8, not percent-encoded", () => {
    const muted = ["فوتبال", "انتخابات", "می‌خواهم"];
    const encoded = encodeChatRecord(record({ prefs: { ...DEFAULT_PREFS, muted } }));
    expect(encoded).toBe(`p|en|1|world|0||m=${muted.join(",")}`);
    expect(Buffer.byteLength(encoded) - Buffer.byteLength("p|en|1|world|0|")).toBe(Buffer.byteLength(`|m=${muted.join(",")}`));
    expect(decodeChatRecord(encoded).prefs?.muted).toEqual(muted);
  });

  it("only the characters the record's syntax uses are escaped in a word, and they read back", () => {
    const muted = ["a,b", "50%", "x;y", "p|q", "%2C"];
    const encoded = encodeChatRecord(record({ prefs: { ...DEFAULT_PREFS, muted } }));
    expect(encoded).toBe("p|en|1|world|0||m=a%2Cb,50%25,x%3By,p%7Cq,%252C");
    expect(decodeChatRecord(encoded).prefs?.muted).toEqual(muted);
  });

  it("records stored before preferences existed read back unchanged, without preferences", () => {
    for (const encoded of ["p|en|1|world|0|", "p|fa|1|world,politics@1e|a|c", "c|en|1|world|5||nophoto;by42;sig=%40news"]) {
      const decoded = decodeChatRecord(encoded);
      expect(decoded.prefs).toBeUndefined();
      expect(prefsOf(decoded)).toEqual(DEFAULT_PREFS);
      expect(encodeChatRecord(decoded)).toBe(encoded);
    }
  });

  it("a channel's settings and preferences tokens do not mix", () => {
    const channel = decodeChatRecord("c|en|1|world|5||nophoto;by42;t=News");
    expect(channel.settings).toMatchObject({ photo: false, linkedBy: 42, title: "News" });
    expect(channel.prefs).toBeUndefined();
    const reader = decodeChatRecord("p|en|1|world|5||d=h;lc");
    expect(reader.settings).toBeUndefined();
    expect(reader.prefs).toEqual({ ...DEFAULT_PREFS, digest: { kind: "hourly" }, languageChosen: true });
  });

  it("a reader who blocked the bot and comes back keeps their preferences, but nothing held from before", () => {
    const gone = record({ active: false, subscriptions: [], prefs: settings });
    const back = withSubscriptions(gone, [world], 900, { kind: "private", language: "fa" });
    expect(back.prefs).toEqual(withoutNextDue(settings));
    expect(back.cursor).toBe(900);
  });
});
