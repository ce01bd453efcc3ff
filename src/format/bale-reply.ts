import { markdownLinkTarget, neutralizeMarkdown } from "./bale.js";

/**
 * The bot's own replies as Bale shows them. Bale renders every message as its Markdown and has no
 * `parse_mode` (docs/bale.md), while the bot writes its replies for Telegram: plain text, or
 * Telegram HTML where it asks for `parse_mode: "HTML"`. So:
 *
 * - plain text shows as written: every character Bale's Markdown could read as markup becomes its
 *   look-alike (`neutralizeMarkdown`), so `@my_news_bot` or `middle_east` is not italicized; in a
 *   bare web address it is percent-encoded instead, so the address still leads where it did;
 * - Telegram HTML: `<b>`/`<strong>` become `*bold*`, `<a href>` becomes `[text](url)`, every other
 *   tag is dropped (its text stays), entities are decoded, and the text is neutralized as above.
 */
export function baleReplyText(text: string, parseMode: string | undefined): string {
  return parseMode?.toUpperCase() === "HTML" ? htmlToBaleMarkdown(text) : neutralizeText(text);
}

/** A bare web address in a reply, without the sentence's punctuation or a bidi isolate (i18n/bidi.ts) after it. */
const BARE_URL = /https?:\/\/[^\s<>"'\u2066-\u2069]*[^\s<>"'\u2066-\u2069.,;:!?)]/g;

/**
 * Text shown as written: markup characters become look-alikes, except inside a bare web address,
 * where a look-alike would change the address (`https://ble.ir/my_news_bot`): there they are
 * percent-encoded instead (`my%5Fnews%5Fbot`, the same address), so no Markdown reads them either.
 */
export function neutralizeText(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(BARE_URL)) {
    out += neutralizeMarkdown(text.slice(last, match.index)) + markdownLinkTarget(match[0]);
    last = match.index + match[0].length;
  }
  return out + neutralizeMarkdown(text.slice(last));
}

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;
const BOLD = new Set(["b", "strong"]);

/** An open `<a>` or bold element: where its text starts in the output, and the link's target. */
interface Open {
  readonly kind: "bold" | "link";
  readonly start: number;
  readonly href?: string;
}

/**
 * Telegram HTML (as Telegram accepts it: escaped text, its handful of tags) as Bale Markdown. Bold
 * never wraps a link's brackets from the inside, and nesting is flattened: a bold inside a bold is
 * one bold, a link inside a link keeps the outer one.
 */
export function htmlToBaleMarkdown(html: string): string {
  let out = "";
  const open: Open[] = [];
  let last = 0;
  const boldDepth = () => open.filter((o) => o.kind === "bold").length;
  const inLink = () => open.some((o) => o.kind === "link");
  for (const match of html.matchAll(TAG)) {
    out += neutralizeText(decodeEntities(html.slice(last, match.index)));
    last = match.index + match[0].length;
    const [, closing, rawName = "", attributes = ""] = match;
    const name = rawName.toLowerCase();
    const kind = BOLD.has(name) ? "bold" : name === "a" ? "link" : undefined;
    if (kind === undefined) continue;
    if (!closing) {
      const href = kind === "link" ? hrefOf(attributes) : undefined;
      // Only the outermost bold and link are written; inner ones add nothing Markdown can say.
      if ((kind === "bold" && boldDepth() > 0) || (kind === "link" && inLink())) open.push({ kind, start: -1 });
      else open.push({ kind, start: out.length, ...(href !== undefined ? { href } : {}) });
      continue;
    }
    const index = open.findLastIndex((o) => o.kind === kind);
    if (index === -1) continue;
    const [element] = open.splice(index, 1);
    if (!element || element.start < 0) continue;
    out = out.slice(0, element.start) + wrap(element, out.slice(element.start));
  }
  out += neutralizeText(decodeEntities(html.slice(last)));
  return out;
}

/** An element's Markdown around its text; spaces at its edges stay outside (`* x *` is no bold). */
function wrap(element: Open, inner: string): string {
  const [, before = "", body = "", after = ""] = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner) ?? [];
  if (element.kind === "bold") return body === "" ? inner : `${before}*${body}*${after}`;
  const href = element.href?.trim() ?? "";
  if (!/^(https?|tg):\/\//i.test(href)) return inner;
  return `${before}[${body === "" ? neutralizeMarkdown(href) : body}](${markdownLinkTarget(href)})${after}`;
}

function hrefOf(attributes: string): string | undefined {
  const match = HREF.exec(attributes);
  if (!match) return undefined;
  return decodeEntities(match[1] ?? match[2] ?? match[3] ?? "");
}

const NAMED: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", nbsp: "\u00A0" };

/** `&lt;` `&amp;` `&#39;` `&#x1F600;` … as their characters; an unknown or invalid entity stays as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));/g, (entity, decimal?: string, hex?: string, name?: string) => {
    if (name !== undefined) return NAMED[name.toLowerCase()] ?? entity;
    const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? "", 16);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : entity;
  });
}
