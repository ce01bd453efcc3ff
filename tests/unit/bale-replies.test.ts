import { describe, expect, it } from "vitest";
import { GrammyError, HttpError } from "grammy";
import { parseBaleMarkdown } from "@bulletin/fake-bot-api";
import { seededRandom } from "../support/random.js";
import { balePayload } from "../../src/bot/bale.js";
import { tokenProblem } from "../../src/bot/tokens.js";
import { baleReplyText, decodeEntities, htmlToBaleMarkdown } from "../../src/format/bale-reply.js";

describe("the bot's replies on Bale", () => {
  it("shows plain text as written: markup characters become look-alikes, nothing is bold or italic", () => {
    expect(baleReplyText("Follow @my_news_bot: /start middle_east *now*", undefined)).toBe(
      "Follow @my\uFF3Fnews\uFF3Fbot: /start middle\uFF3Feast \u2217now\u2217",
    );
    // Plain text is not HTML: an entity the reader typed stays as typed.
    expect(baleReplyText("a &amp; b <b>", undefined)).toBe("a &amp; b <b>");
  });

  it("keeps a bare web address leading where it did: its markup characters percent-encoded, not look-alikes", () => {
    expect(baleReplyText("Invite a friend: https://ble.ir/my_news_bot?start=world. Thanks_all", undefined)).toBe(
      "Invite a friend: https://ble.ir/my%5Fnews%5Fbot?start=world. Thanks\uFF3Fall",
    );
    expect(htmlToBaleMarkdown("see (https://e.com/a_b*c) &amp; http://x.io/[1]")).toBe(
      "see (https://e.com/a%5Fb%2Ac) & http://x.io/%5B1%5D",
    );
    // A Persian help isolates the address (i18n/bidi.ts): the isolates stay around it, outside the address.
    expect(baleReplyText("دعوت: \u2068https://ble.ir/my_bot?start=world\u2069", undefined)).toBe(
      "دعوت: \u2068https://ble.ir/my%5Fbot?start=world\u2069",
    );
  });

  it("turns Telegram HTML into Bale Markdown: bold, links, entities decoded, other tags dropped", () => {
    expect(
      htmlToBaleMarkdown('<b>Sent</b>: 3 &amp; <i>failed</i> 1 — see <a href="https://example.com/a_b?x=1&amp;y=(2)">the log</a>'),
    ).toBe("*Sent*: 3 & failed 1 — see [the log](https://example.com/a%5Fb?x=1&y=%282%29)");
    expect(htmlToBaleMarkdown("<code>x_y</code> <pre>1*2</pre> <tg-spoiler>s</tg-spoiler> <blockquote>q</blockquote>")).toBe(
      "x\uFF3Fy 1\u22172 s q",
    );
    expect(htmlToBaleMarkdown("&lt;b&gt;not bold&lt;/b&gt; &#42; &#x5F;")).toBe("<b>not bold</b> \u2217 \uFF3F");
  });

  it("never opens formatting it does not close, whatever the HTML", () => {
    expect(htmlToBaleMarkdown("<b> spaced </b>")).toBe(" *spaced* ");
    expect(htmlToBaleMarkdown("<b></b>empty")).toBe("empty");
    expect(htmlToBaleMarkdown("<b>outer <strong>inner</strong> end</b>")).toBe("*outer inner end*");
    expect(htmlToBaleMarkdown("<b>never closed")).toBe("never closed");
    expect(htmlToBaleMarkdown("closed only</b>")).toBe("closed only");
    expect(htmlToBaleMarkdown('<a href="javascript:alert(1)">x</a>')).toBe("x");
    expect(htmlToBaleMarkdown('<a href="https://e.com/">[x](y)</a>')).toBe("[\uFF3Bx\uFF3D(y)](https://e.com/)");
    expect(htmlToBaleMarkdown('<a href="https://e.com/"></a>')).toBe("[https://e.com/](https://e.com/)");
  });

  it("whatever the reply holds, Bale shows it whole: no marker left open, bold and links only where the HTML had them", () => {
    const random = seededRandom(15);
    const alphabet = ["*", "_", "[", "]", "(", ")", "`", "~", "|", "\\", "<", ">", "&", "&amp;", "a", " ", "ی", "\n", "https://x.io/"];
    for (let i = 0; i < 500; i++) {
      const words = Array.from({ length: 1 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]!).join("");
      const plain = parseBaleMarkdown(baleReplyText(words, undefined));
      expect(plain.unpaired, words).toEqual([]);
      expect(plain.entities, words).toEqual([]);
      const html = `<b>${words.replaceAll("&", "&amp;").replaceAll("<", "&lt;")}</b> <a href="https://e.com/a_(b)">${words.replaceAll("<", "&lt;")}</a>`;
      const rich = parseBaleMarkdown(baleReplyText(html, "HTML"));
      expect(rich.unpaired, html).toEqual([]);
      expect(
        rich.entities.every((e) => e.type === "bold" || e.type === "text_link"),
        html,
      ).toBe(true);
    }
  });

  it("decodes what Telegram's HTML decodes and leaves an unknown or impossible entity as written", () => {
    expect(decodeEntities("&lt;&gt;&amp;&quot;&#39;&#x1F600;")).toBe("<>&\"'\u{1F600}");
    expect(decodeEntities("&bogus; &#xD800; &#0;")).toBe("&bogus; &#xD800; &#0;");
  });

  it("sends Bale no parse_mode, preview options, topic or paid flag, and converts text and captions", () => {
    const sent = balePayload("sendMessage", {
      chat_id: 5,
      text: "<b>x_y</b>",
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      message_thread_id: 7,
      allow_paid_broadcast: true,
      reply_markup: { inline_keyboard: [] },
    });
    expect(sent).toEqual({ chat_id: 5, text: "*x\uFF3Fy*", reply_markup: { inline_keyboard: [] } });
    expect(balePayload("sendPhoto", { chat_id: 5, photo: "https://e.com/p_1.jpg", caption: "a_b" })).toEqual({
      chat_id: 5,
      photo: "https://e.com/p_1.jpg",
      caption: "a\uFF3Fb",
    });
    // A button's toast is not a message: Bale shows it as written.
    expect(balePayload("answerCallbackQuery", { callback_query_id: "1", text: "a_b" })).toEqual({ callback_query_id: "1", text: "a_b" });
  });
});

describe("tokens at start", () => {
  const telegram = { platform: "telegram" as const, token: "123456:AAA", apiRoot: "https://api.telegram.org" };
  const bale = { platform: "bale" as const, token: "987654:BBB", apiRoot: "https://tapi.bale.ai" };

  it("says in one line which root does not know which token", () => {
    const unknown = (code: number) => new GrammyError("getMe", { ok: false, error_code: code, description: "Not Found" }, "getMe", {});
    expect(tokenProblem(bale, unknown(404), true)).toBe("BALE_BOT_TOKEN: tapi.bale.ai does not know this token (is it a Telegram token?)");
    expect(tokenProblem(bale, unknown(403), true)).toBe("BALE_BOT_TOKEN: tapi.bale.ai does not know this token (is it a Telegram token?)");
    expect(tokenProblem(telegram, unknown(401), true)).toBe("BOT_TOKEN: api.telegram.org does not know this token (is it a Bale token?)");
    expect(tokenProblem(telegram, unknown(401), false)).toBe("BOT_TOKEN: Telegram refused the token (Not Found); check it with @BotFather");
    const down = new HttpError("Network request for 'getMe' failed!", Object.assign(new Error("fetch failed"), { code: "ECONNREFUSED" }));
    expect(tokenProblem(bale, down, true)).toMatch(/^BALE_API_ROOT: cannot reach https:\/\/tapi\.bale\.ai \(/);
    expect(tokenProblem(bale, new Error("other"), true)).toBeUndefined();
  });
});
