/**
 * Telegram's HTML parse mode, as the Bot API parses it (for the built-in Bot API of the sandbox and the tests).
 *
 * A port of `parse_html` from TDLib (td/telegram/MessageEntity.cpp), which is what the Bot API runs
 * for `parse_mode: "HTML"`: it walks the UTF-8 bytes, so error offsets are byte offsets, while entity
 * offsets and lengths are UTF-16 code units of the resulting text. Descriptions carry the Bot API's
 * prefix, e.g. `Bad Request: can't parse entities: Unsupported start tag "foo" at byte offset 12`.
 *
 * One deliberate difference, stricter than TDLib: an `&name;` that is not one of the four named
 * entities Telegram knows (&lt; &gt; &amp; &quot;) is an error here ("Unsupported entity"), whereas
 * TDLib leaves it in the text literally. Either way the reader would not see what the author meant,
 * so the fake refuses it. A lone `&` (or `&name` without `;`) is kept as text, as Telegram does.
 *
 * Not modelled: `tg-time`, automatic entities (hashtags, URLs, mentions) that Telegram detects in the
 * plain text, the `text_mention` form of `tg://user?id=` links, and Telegram's URL normalisation.
 */
import type { MessageEntity } from "grammy/types";

export type TelegramHtmlResult = { ok: true; text: string; entities: MessageEntity[] } | { ok: false; description: string };

const PREFIX = "Bad Request: can't parse entities: ";

const AMP = 0x26;
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQ = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const SEMI = 0x3b;
const HASH = 0x23;
const LOWER_X = 0x78;

const SUPPORTED_TAGS = new Set([
  "a",
  "b",
  "strong",
  "i",
  "em",
  "s",
  "strike",
  "del",
  "u",
  "ins",
  "tg-spoiler",
  "tg-emoji",
  "span",
  "pre",
  "code",
  "blockquote",
]);

/** TDLib's sort priority for entities starting at the same offset with the same length. */
const PRIORITY: Readonly<Record<string, number>> = {
  bold: 90,
  italic: 91,
  underline: 92,
  strikethrough: 93,
  spoiler: 94,
  custom_emoji: 99,
  code: 20,
  pre: 11,
  text_link: 49,
  blockquote: 0,
  expandable_blockquote: 0,
};

/** TDLib's `is_space`; byte 0 stands for "past the end" as in TDLib's NUL-terminated string. */
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0x00 || c === 0x0b;
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlnum = (c: number): boolean => isAlpha(c) || isDigit(c);
const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const toLowerAscii = (c: number): number => (c >= 0x41 && c <= 0x5a ? c + 0x20 : c);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface Decoded {
  code: number;
  /** Index of the first byte after the entity. */
  next: number;
}

interface OpenTag {
  tag: string;
  argument: string;
  /** UTF-16 offset in the result where the tag's content starts. */
  offset: number;
  /** Byte length of the result when the tag opened (for `<a>` without href). */
  resultBytes: number;
}

/** A refusal, thrown from deep in the parser and turned into `{ ok: false }` at the top. */
class Failure extends Error {}

export function parseTelegramHtml(html: string): TelegramHtmlResult {
  if (LONE_SURROGATE.test(html)) {
    // What the Bot API answers to JSON text holding an unpaired surrogate.
    return { ok: false, description: "Bad Request: strings must be encoded in UTF-8" };
  }
  if (html.includes("\0")) {
    return { ok: false, description: `${PREFIX}Text must not contain null bytes` };
  }
  try {
    return parse(new TextEncoder().encode(html));
  } catch (error) {
    if (error instanceof Failure) return { ok: false, description: PREFIX + error.message };
    throw error;
  }
}

function parse(bytes: Uint8Array): TelegramHtmlResult {
  const size = bytes.length;
  const at = (i: number): number => (i < size ? (bytes[i] ?? 0) : 0);
  const slice = (from: number, to: number): string => new TextDecoder().decode(bytes.subarray(from, to));
  const lowerSlice = (from: number, to: number): string => new TextDecoder().decode(bytes.subarray(from, to).map(toLowerAscii));
  const fail = (message: string): never => {
    throw new Failure(message);
  };

  /** TDLib's `decode_html_entity`, plus the strict "Unsupported entity" check described above. */
  const decodeEntity = (pos: number): Decoded | undefined => {
    let end = pos + 1;
    let code = 0;
    if (at(pos + 1) === HASH) {
      end++;
      if (at(pos + 2) === LOWER_X) {
        end++;
        while (isHexDigit(at(end))) code = code * 16 + Number.parseInt(String.fromCharCode(at(end++)), 16);
      } else {
        while (isDigit(at(end))) code = code * 10 + (at(end++) - 0x30);
      }
      if (code === 0 || code >= 0x10ffff || end - pos >= 10) return undefined;
    } else {
      while (isAlpha(at(end))) end++;
      const name = slice(pos + 1, end);
      if (name === "lt") code = 0x3c;
      else if (name === "gt") code = 0x3e;
      else if (name === "amp") code = 0x26;
      else if (name === "quot") code = 0x22;
      else if (name !== "" && at(end) === SEMI) return fail(`Unsupported entity "&${name};" at byte offset ${pos}`);
      else return undefined;
    }
    return { code, next: at(end) === SEMI ? end + 1 : end };
  };

  const result: number[] = [];
  const encoder = new TextEncoder();
  const append = (code: number, into: number[]): void => {
    if (code >= 0xd800 && code <= 0xdfff) {
      // TDLib re-checks UTF-8 after decoding and refuses encoded surrogate halves.
      fail("Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units");
    }
    into.push(...encoder.encode(String.fromCodePoint(code)));
  };

  const entities: Raw[] = [];
  const open: OpenTag[] = [];
  let utf16 = 0;

  for (let i = 0; i < size; i++) {
    const c = at(i);
    if (c === AMP) {
      const decoded = decodeEntity(i);
      if (decoded !== undefined) {
        append(decoded.code, result);
        utf16 += decoded.code > 0xffff ? 2 : 1;
        i = decoded.next - 1;
        continue;
      }
    }
    if (c !== LT) {
      if ((c & 0xc0) !== 0x80) utf16 += c >= 0xf0 ? 2 : 1; // 4-byte sequence => surrogate pair
      result.push(c);
      continue;
    }

    const begin = i++;
    if (at(i) !== SLASH) {
      // A start tag.
      while (!isSpace(at(i)) && at(i) !== GT) i++;
      if (i >= size) fail(`Unclosed start tag at byte offset ${begin}`);
      const tag = lowerSlice(begin + 1, i);
      if (!SUPPORTED_TAGS.has(tag)) fail(`Unsupported start tag "${tag}" at byte offset ${begin}`);

      let argument = "";
      while (at(i) !== GT) {
        while (i < size && isSpace(at(i))) i++;
        if (at(i) === GT) break;
        const nameBegin = i;
        while (!isSpace(at(i)) && at(i) !== EQ && at(i) !== GT && at(i) !== SLASH && at(i) !== DQUOTE && at(i) !== SQUOTE) {
          i++;
        }
        const name = slice(nameBegin, i);
        if (name === "") fail(`Empty attribute name in the tag "${tag}" at byte offset ${begin}`);
        while (i < size && isSpace(at(i))) i++;
        if (at(i) !== EQ) {
          // An attribute without a value, such as `expandable`.
          if (i >= size) fail(`Unclosed start tag "${tag}" at byte offset ${begin}`);
          if (tag === "blockquote" && name === "expandable") argument = "1";
          continue;
        }
        i++;
        while (i < size && isSpace(at(i))) i++;
        if (i >= size) fail(`Unclosed start tag "${tag}" at byte offset ${begin}`);

        let value: string;
        if (at(i) !== SQUOTE && at(i) !== DQUOTE) {
          // A name token: letters, digits, periods, hyphens; not case sensitive.
          const tokenBegin = i;
          while (isAlnum(at(i)) || at(i) === 0x2e || at(i) === 0x2d) i++;
          value = lowerSlice(tokenBegin, i);
          if (!isSpace(at(i)) && at(i) !== GT) fail(`Unexpected end of name token at byte offset ${tokenBegin}`);
        } else {
          // A quoted string, with entities decoded.
          const quote = at(i++);
          const valueBytes: number[] = [];
          while (i < size && at(i) !== quote) {
            if (at(i) === AMP) {
              const decoded = decodeEntity(i);
              if (decoded !== undefined) {
                append(decoded.code, valueBytes);
                i = decoded.next;
                continue;
              }
            }
            valueBytes.push(at(i++));
          }
          if (at(i) === quote && i < size) i++;
          value = new TextDecoder().decode(Uint8Array.from(valueBytes));
        }
        if (i >= size) fail(`Unclosed start tag at byte offset ${begin}`);

        if (tag === "a" && name === "href") argument = value;
        else if (tag === "code" && name === "class" && value.startsWith("language-")) argument = value.slice(9);
        else if (tag === "span" && name === "class" && value.startsWith("tg-")) argument = value.slice(3);
        else if (tag === "tg-emoji" && name === "emoji-id") argument = value;
        else if (tag === "blockquote" && name === "expandable") argument = "1";
      }

      if (tag === "span" && argument !== "spoiler") {
        fail(`Tag "span" must have class "tg-spoiler" at byte offset ${begin}`);
      }
      open.push({ tag, argument, offset: utf16, resultBytes: result.length });
    } else {
      // An end tag.
      const top = open.at(-1);
      if (top === undefined) return fail(`Unexpected end tag at byte offset ${begin}`);
      while (!isSpace(at(i)) && at(i) !== GT) i++;
      const endTag = lowerSlice(begin + 2, i);
      while (i < size && isSpace(at(i))) i++;
      if (at(i) !== GT) fail(`Unclosed end tag at byte offset ${begin}`);
      if (endTag !== "" && endTag !== top.tag) {
        fail(`Unmatched end tag at byte offset ${begin}, expected "</${top.tag}>", found "</${endTag}>"`);
      }
      if (utf16 > top.offset) {
        closeEntity(top, utf16 - top.offset, entities, () => new TextDecoder().decode(Uint8Array.from(result.slice(top.resultBytes))));
      }
      open.pop();
    }
  }

  const unclosed = open.at(-1);
  if (unclosed !== undefined) fail(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);

  const sorted = entities
    .map(toBotApi)
    .sort((a, b) => a.offset - b.offset || b.length - a.length || (PRIORITY[a.type] ?? 50) - (PRIORITY[b.type] ?? 50));
  return { ok: true, text: new TextDecoder().decode(Uint8Array.from(result)), entities: sorted };
}

/**
 * An entity while parsing: `code` and `pre` carry a language (possibly empty) until the end, as in
 * TDLib, where a `code` entity keeps its `language-x` class only to merge with an enclosing `pre`.
 */
type Raw =
  | Exclude<MessageEntity, MessageEntity.PreMessageEntity | MessageEntity.CommonMessageEntity>
  | (MessageEntity.CommonMessageEntity & { type: Exclude<MessageEntity.CommonMessageEntity["type"], "code"> })
  | { type: "code" | "pre"; offset: number; length: number; language: string };

/** The Bot API form: `pre` has a language only when one was given, `code` never has one. */
function toBotApi(raw: Raw): MessageEntity {
  if (raw.type === "code") return { type: "code", offset: raw.offset, length: raw.length };
  if (raw.type === "pre") {
    return raw.language === ""
      ? { type: "pre", offset: raw.offset, length: raw.length }
      : { type: "pre", offset: raw.offset, length: raw.length, language: raw.language };
  }
  return raw;
}

function closeEntity(top: OpenTag, length: number, entities: Raw[], content: () => string): void {
  const offset = top.offset;
  switch (top.tag) {
    case "i":
    case "em":
      entities.push({ type: "italic", offset, length });
      return;
    case "b":
    case "strong":
      entities.push({ type: "bold", offset, length });
      return;
    case "s":
    case "strike":
    case "del":
      entities.push({ type: "strikethrough", offset, length });
      return;
    case "u":
    case "ins":
      entities.push({ type: "underline", offset, length });
      return;
    case "tg-spoiler":
    case "span":
      entities.push({ type: "spoiler", offset, length });
      return;
    case "tg-emoji": {
      if (!/^\d{1,19}$/.test(top.argument) || BigInt(top.argument) === 0n || BigInt(top.argument) >= 2n ** 63n) {
        throw new Failure("Invalid custom emoji identifier specified");
      }
      entities.push({ type: "custom_emoji", offset, length, custom_emoji_id: top.argument });
      return;
    }
    case "a": {
      // An invalid link silently yields no entity, as in Telegram.
      const url = checkedLink(top.argument === "" ? content() : top.argument);
      if (url !== undefined) entities.push({ type: "text_link", offset, length, url });
      return;
    }
    case "pre": {
      const last = entities.at(-1);
      // `<pre><code class="language-x">…</code></pre>`: the code entity closed first, with a language.
      if (last?.type === "code" && last.offset === offset && last.length === length && last.language !== "") {
        entities[entities.length - 1] = { type: "pre", offset, length, language: last.language };
      } else {
        entities.push({ type: "pre", offset, length, language: "" });
      }
      return;
    }
    case "code": {
      const last = entities.at(-1);
      // `<code class="language-x"><pre>…</pre></code>` works too.
      if (last?.type === "pre" && last.offset === offset && last.length === length && top.argument !== "") {
        entities[entities.length - 1] = { type: "pre", offset, length, language: top.argument };
      } else {
        entities.push({ type: "code", offset, length, language: top.argument });
      }
      return;
    }
    case "blockquote":
      entities.push({ type: top.argument === "" ? "blockquote" : "expandable_blockquote", offset, length });
      return;
    default:
      throw new Error(`unreachable tag ${top.tag}`);
  }
}

/** Roughly TDLib's `get_checked_link`: a link without a scheme gets http://; others must be known. */
function checkedLink(raw: string): string | undefined {
  const link = raw.trim();
  if (link === "") return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(link) ? link : `http://${link}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (!["http:", "https:", "tg:", "ton:", "tonsite:"].includes(parsed.protocol)) return undefined;
  if ((parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname === "") return undefined;
  return withScheme;
}
