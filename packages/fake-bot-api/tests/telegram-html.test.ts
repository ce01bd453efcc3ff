import { describe, expect, it } from "vitest";
import { parseTelegramHtml } from "../src/telegram-html.js";

const PREFIX = "Bad Request: can't parse entities: ";

function parsed(html: string) {
  const result = parseTelegramHtml(html);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(html)} to parse, got: ${result.description}`);
  return result;
}

function refusal(html: string): string {
  const result = parseTelegramHtml(html);
  if (result.ok) throw new Error(`expected ${JSON.stringify(html)} to be refused, got: ${JSON.stringify(result)}`);
  return result.description;
}

describe("Telegram's HTML parse mode: what it accepts", () => {
  it("turns each supported tag into its entity", () => {
    const cases: [string, object][] = [
      ["<b>x</b>", { type: "bold" }],
      ["<strong>x</strong>", { type: "bold" }],
      ["<i>x</i>", { type: "italic" }],
      ["<em>x</em>", { type: "italic" }],
      ["<u>x</u>", { type: "underline" }],
      ["<ins>x</ins>", { type: "underline" }],
      ["<s>x</s>", { type: "strikethrough" }],
      ["<strike>x</strike>", { type: "strikethrough" }],
      ["<del>x</del>", { type: "strikethrough" }],
      ['<span class="tg-spoiler">x</span>', { type: "spoiler" }],
      ["<tg-spoiler>x</tg-spoiler>", { type: "spoiler" }],
      ['<a href="https://example.com/a">x</a>', { type: "text_link", url: "https://example.com/a" }],
      ["<code>x</code>", { type: "code" }],
      ["<pre>x</pre>", { type: "pre" }],
      ['<pre><code class="language-python">x</code></pre>', { type: "pre", language: "python" }],
      ["<blockquote>x</blockquote>", { type: "blockquote" }],
      ["<blockquote expandable>x</blockquote>", { type: "expandable_blockquote" }],
      ['<tg-emoji emoji-id="5368324170671202286">x</tg-emoji>', { type: "custom_emoji", custom_emoji_id: "5368324170671202286" }],
    ];
    for (const [html, entity] of cases) {
      expect(parsed(html), html).toEqual({ ok: true, text: "x", entities: [{ offset: 0, length: 1, ...entity }] });
    }
  });

  it("reads tag names in any case, attributes quoted with ' or \", and closing tags without a name", () => {
    expect(parsed("<B>x</b>").entities).toEqual([{ type: "bold", offset: 0, length: 1 }]);
    expect(parsed("<a href='https://example.com/?q=1&amp;r=2'>x</a>").entities).toEqual([
      { type: "text_link", offset: 0, length: 1, url: "https://example.com/?q=1&r=2" },
    ]);
    expect(parsed("<b >x</>").text).toBe("x");
  });

  it("allows tags inside tags, with offsets and lengths in UTF-16 code units", () => {
    // 😀 is two UTF-16 code units, é one.
    const result = parsed('😀 <b>bold <a href="https://example.com">é😀</a></b>!');
    expect(result.text).toBe("😀 bold é😀!");
    expect(result.entities).toEqual([
      { type: "bold", offset: 3, length: 8 },
      { type: "text_link", offset: 8, length: 3, url: "https://example.com" },
    ]);
    expect(result.text.slice(8, 11)).toBe("é😀");
  });

  it("decodes the four named entities and numeric ones, and keeps a lone & as text", () => {
    expect(parsed("&lt;b&gt; &amp; &quot;q&quot; &#65;&#x1F600;").text).toBe('<b> & "q" A😀');
    expect(parsed("Tom & Jerry, AT&T, 1 &lt 2").text).toBe("Tom & Jerry, AT&T, 1 < 2");
    expect(parsed("a > b").text).toBe("a > b");
  });

  it("leaves out entities that would be empty", () => {
    expect(parsed("<b></b>x")).toEqual({ ok: true, text: "x", entities: [] });
  });
});

describe("Telegram's HTML parse mode: what it refuses", () => {
  it("refuses an unsupported tag, naming it and its byte offset", () => {
    expect(refusal("Hello <script>alert(1)</script>")).toBe(`${PREFIX}Unsupported start tag "script" at byte offset 6`);
    expect(refusal("<p>x</p>")).toBe(`${PREFIX}Unsupported start tag "p" at byte offset 0`);
    // é is 2 bytes in UTF-8, 😀 is 4: offsets count bytes, not characters.
    expect(refusal("é😀<foo>")).toBe(`${PREFIX}Unsupported start tag "foo" at byte offset 6`);
  });

  it("refuses a bare < that does not start a tag", () => {
    expect(refusal("1 < 2")).toBe(`${PREFIX}Unsupported start tag "" at byte offset 2`);
    expect(refusal("a <")).toBe(`${PREFIX}Unclosed start tag at byte offset 2`);
    expect(refusal("x<3")).toBe(`${PREFIX}Unclosed start tag at byte offset 1`);
  });

  it("refuses an unclosed, unexpected or mismatched tag", () => {
    expect(refusal("<b>bold")).toBe(`${PREFIX}Can't find end tag corresponding to start tag "b"`);
    expect(refusal("bold</b>")).toBe(`${PREFIX}Unexpected end tag at byte offset 4`);
    expect(refusal("<b><i>x</b></i>")).toBe(`${PREFIX}Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`);
    expect(refusal("<b>x</b")).toBe(`${PREFIX}Unclosed end tag at byte offset 4`);
  });

  it("refuses an unknown named entity", () => {
    expect(refusal("a&nbsp;b")).toBe(`${PREFIX}Unsupported entity "&nbsp;" at byte offset 1`);
    expect(refusal('<a href="https://x.example/?a=1&copy;">x</a>')).toMatch(
      /^Bad Request: can't parse entities: Unsupported entity "&copy;"/,
    );
  });

  it("refuses malformed attributes and tags that need one", () => {
    expect(refusal("<a href=https://example.com>x</a>")).toBe(`${PREFIX}Unexpected end of name token at byte offset 8`);
    expect(refusal("<span>x</span>")).toBe(`${PREFIX}Tag "span" must have class "tg-spoiler" at byte offset 0`);
    expect(refusal('<tg-emoji emoji-id="abc">x</tg-emoji>')).toBe(`${PREFIX}Invalid custom emoji identifier specified`);
  });

  it("refuses text that is not valid Unicode", () => {
    expect(refusal("&#xD83D;")).toBe(
      `${PREFIX}Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units`,
    );
    expect(refusal("half an emoji: \uD83D")).toBe("Bad Request: strings must be encoded in UTF-8");
  });
});
