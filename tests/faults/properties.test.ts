/**
 * Property-based (fast-check), through the real servers: whatever arrives at the ingest API gets an
 * answer that says what is wrong (a 4xx, never a 500), and whatever a reader types or presses gets
 * an answer from the bot (never a handler's exception and silence).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INGEST_TOKEN, startStack, type Stack } from "../support/stack.js";

const SLUGS = ["world", "politics", "economy"];

/** Text as hostile as it comes: any code unit (lone surrogates too), control characters, markup, RTL. */
const hostileText = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: "binary", maxLength }),
    fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength }),
    fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), maxLength }),
    fc
      .array(
        fc.constantFrom("<b>", "</a>", '<a href="', "&amp;", "&#", "&", "<", ">", "خبر", "\u200c", "\u202e", "👩‍👩‍👧", "\ufeff", " ", "\n"),
        {
          maxLength: 200,
        },
      )
      .map((parts) => parts.join("")),
  );
const scriptUrl = fc.constantFrom(
  "javascript:alert(1)",
  "JavaScript:alert(document.cookie)",
  " javascript:alert(1)",
  "java\tscript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "data:image/png;base64,iVBORw0KGgo=",
  "vbscript:msgbox(1)",
  "file:///etc/passwd",
  "//evil.example.com/x",
);

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function post(stack: Stack, body: string): Promise<Answer> {
  const response = await fetch(`${stack.httpUrl}/api/articles`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${INGEST_TOKEN}` },
    body,
  });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, body: parsed };
}

/** A refusal says what is wrong: an error line, and for a 400 where, field by field. */
function expectUsefulRefusal(answer: Answer): void {
  expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  expect(typeof answer.body.error).toBe("string");
  expect((answer.body.error as string).length).toBeGreaterThan(0);
  if (answer.status === 400 && answer.body.issues !== undefined) {
    const issues = answer.body.issues as { path: unknown; message: unknown }[];
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(typeof issue.message).toBe("string");
  }
}

describe("the ingest API, given anything", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ name: "props-ingest", roles: ["http"] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("answers random JSON with a 4xx that says what is wrong, never a 500", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (value) => {
        expectUsefulRefusal(await post(stack, JSON.stringify(value)));
      }),
      { numRuns: 150 },
    );
  });

  it("answers articles with hostile fields with 200, 202 or a useful 4xx; a script or data URL is always refused", async () => {
    const hostileArticle = fc.record(
      {
        url: fc.oneof(fc.webUrl(), scriptUrl, hostileText(100)),
        title: fc.oneof(hostileText(1200), fc.jsonValue()),
        summary: fc.oneof(hostileText(2000), fc.jsonValue()),
        categories: fc.oneof(fc.subarray(SLUGS, { minLength: 1 }), fc.array(hostileText(40), { maxLength: 25 }), fc.jsonValue()),
        id: fc.oneof(hostileText(250), fc.jsonValue()),
        imageUrl: fc.oneof(fc.webUrl(), scriptUrl, hostileText(50)),
        publishedAt: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          hostileText(30),
        ),
        language: fc.oneof(fc.constantFrom("en", "fa", "pt-BR"), hostileText(12)),
        priority: fc.oneof(fc.constantFrom("normal", "breaking"), hostileText(10)),
      },
      { requiredKeys: ["url", "title", "categories"] },
    );
    await fc.assert(
      fc.asyncProperty(hostileArticle, async (article) => {
        const answer = await post(stack, JSON.stringify(article));
        // javascript:, data:, file:, protocol-relative…: anything but http(s) is no article's link.
        const notHttp = (u: unknown) => typeof u === "string" && !/^https?:\/\//i.test(u.trim());
        if (notHttp(article.url) || notHttp(article.imageUrl)) expect(answer.status).toBe(400);
        if (answer.status === 200 || answer.status === 202) {
          expect(typeof answer.body.id).toBe("string");
          return;
        }
        expectUsefulRefusal(answer);
      }),
      { numRuns: 250 },
    );
  });

  it("answers huge, deep, malformed and surrogate-laden bodies with a useful 4xx", async () => {
    const nested = (depth: number, open: string, close: string, inner = "1") => open.repeat(depth) + inner + close.repeat(depth);
    const bodies = [
      nested(100_000, "[", "]"),
      nested(50_000, '{"a":', "}"),
      `{"url":"https://news.example.com/deep","title":"Deep","categories":["world"],"summary":${nested(5000, "[", "]")}}`,
      `{"url":"https://news.example.com/s","title":"\\ud800","categories":["world"],"id":"\\udfff${"x".repeat(10)}"}`,
      `{"url":"https://news.example.com/${"\\u0000".repeat(10)}","title":"\\u0000\\u001f","categories":["\\u0000"]}`,
      `{"url": "https://news.example.com/x", "title": "x", "categories": ["world"], "title": ${"9".repeat(400)}}`,
      JSON.stringify({ url: "https://news.example.com/big", title: "x".repeat(900_000), categories: ["world"] }),
      JSON.stringify({ url: "https://news.example.com/big", title: "Big", categories: ["world"], summary: "y".repeat(2_000_000) }),
      "{",
      "\u0000",
      '"\\ud800"',
      "null",
      "[]",
      `{"__proto__":{"url":"https://news.example.com/proto","title":"Proto","categories":["world"]}}`,
      `{"constructor":{"prototype":{"polluted":true}},"url":"javascript:alert(1)","title":"x","categories":["world"]}`,
    ];
    for (const body of bodies) {
      const answer = await post(stack, body);
      if (answer.status === 202 || answer.status === 200) {
        // Well-formed enough to be an article: only these two are.
        expect(body.startsWith('{"url":"https://news.example.com/s"') || body.includes('"title": ${"9"') || body.includes("/deep")).toBe(
          true,
        );
        continue;
      }
      expectUsefulRefusal(answer);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("the bot, given anything a reader can type or press", () => {
  let stack: Stack;
  let nextUser = 70_000_000;
  beforeAll(async () => {
    stack = await startStack({ name: "props-bot", roles: ["bot"] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const commands = [
    "/start",
    "/subscribe",
    "/unsubscribe",
    "/categories",
    "/mysubs",
    "/stop",
    "/language",
    "/help",
    "/link",
    "/unlink",
    "/channels",
    "/settings",
    "/digest",
    "/quiet",
    "/mute",
    "/stats",
    "/announce",
    "/nonsense",
  ];
  const typed = fc.oneof(
    fc
      .tuple(fc.constantFrom(...commands), fc.constantFrom("", "@bulletin_test_bot"), hostileText(300))
      .map(([c, at, rest]) => `${c}${at} ${rest}`),
    fc
      .tuple(
        fc.constantFrom(...commands),
        fc.array(
          fc.oneof(fc.constantFrom(...SLUGS, "@channel", "-1001234567890", "topic=12", "photo", "off", "daily", "08:00"), hostileText(30)),
          { maxLength: 8 },
        ),
      )
      .map(([c, words]) => `${c} ${words.join(" ")}`),
    hostileText(4096).filter((t) => t.trim().length > 0),
  );

  it("answers every message a reader sends, whatever its text", async () => {
    await fc.assert(
      fc.asyncProperty(typed, async (text) => {
        const reader = stack.telegram.addUser({ id: nextUser++, first_name: "Prop", language_code: "en" });
        stack.telegram.userSends(reader, text);
        await stack.telegram.waitForMessages(reader.id, 1, 5000);
      }),
      // Each run waits for an answer: a failure is reported as found, not shrunk at seconds a try.
      { numRuns: 120, endOnFailure: true },
    );
  });

  it("answers every button press, whatever its data (over 64 bytes too)", async () => {
    const data = fc.oneof(
      fc.tuple(fc.constantFrom("toggle:", "ln:", "lang:", "ln:-100123:", ""), hostileText(200)).map(([p, rest]) => p + rest),
      fc.string({ minLength: 65, maxLength: 400 }),
    );
    const reader = stack.telegram.addUser({ id: nextUser++, first_name: "Presser", language_code: "en" });
    stack.telegram.userSends(reader, "/categories");
    const [menu] = await stack.telegram.waitForMessages(reader.id, 1, 5000);
    await fc.assert(
      fc.asyncProperty(data, async (payload) => {
        const update = stack.telegram.userPresses(reader, menu!, payload);
        const id = update.callback_query?.id;
        await stack.telegram.waitFor(() => stack.telegram.callbackAnswers.some((a) => a.callback_query_id === id), {
          timeoutMs: 5000,
          message: `an answer to the press of ${JSON.stringify(payload.slice(0, 80))}`,
        });
      }),
      // Each run waits for an answer: a failure is reported as found, not shrunk at seconds a try.
      { numRuns: 120, endOnFailure: true },
    );
  });
});
