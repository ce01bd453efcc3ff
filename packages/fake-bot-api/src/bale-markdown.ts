/**
 * Bale's Markdown, read the strictest way it could be read. Bale renders every message's text as
 * Markdown and has no parse_mode (docs/bale.md, "parse_mode: what Bale renders"): `*bold*`,
 * `_italic_`, `[text](url)` and a code block between ``` are documented by its clients; how strict
 * its parser is was never seen. So every construct any Markdown could read pairs here: `*` `_` `` ` ``
 * `~` `||` and ``` pair into formatting, `[text](url)` is a link, `\` escapes the next character.
 * Text that looks right under this reading looks right under a laxer one.
 *
 * A construct that does not close (a lone `*`, a `[` with no `](…)` after it) shows as written and is
 * listed in `unpaired`: no source says whether Bale refuses such a message or shows the markup, and
 * showing it keeps the reader's message visible while a test can still insist on `unpaired` being empty.
 */
import type { MessageEntity } from "grammy/types";

export interface BaleMarkdownResult {
  /** What the reader sees. */
  text: string;
  /** Telegram's entity shapes (text_link for links), by offset; offsets and lengths in UTF-16 units. */
  entities: MessageEntity[];
  /** Markers that paired with nothing and show as written (`*`, `[`…), in order of appearance. */
  unpaired: string[];
}

type PairedType = "pre" | "spoiler" | "bold" | "italic" | "code" | "strikethrough";

/** Longest first: ``` before `, || before a lone |. */
const MARKERS: readonly (readonly [string, PairedType])[] = [
  ["```", "pre"],
  ["||", "spoiler"],
  ["*", "bold"],
  ["_", "italic"],
  ["`", "code"],
  ["~", "strikethrough"],
];

type Token =
  | { kind: "text"; value: string }
  | { kind: "marker"; value: string; type: PairedType }
  | { kind: "link"; label: string; url: string }
  /** A [ that opens no link. */
  | { kind: "stray"; value: string };

/** Reads `markdown` as Bale could show it (see the module's comment). */
export function parseBaleMarkdown(markdown: string): BaleMarkdownResult {
  const tokens = tokenize(markdown);
  const openerOf = pairMarkers(tokens);
  let text = "";
  const entities: MessageEntity[] = [];
  const unpaired: string[] = [];
  const startOf = new Map<number, number>();
  tokens.forEach((token, index) => {
    if (token.kind === "text") {
      text += token.value;
      return;
    }
    if (token.kind === "link") {
      if (token.label !== "") entities.push({ type: "text_link", offset: text.length, length: token.label.length, url: token.url });
      text += token.label;
      return;
    }
    const opener = token.kind === "marker" ? openerOf.get(index) : undefined;
    if (token.kind === "marker" && opener === index) {
      startOf.set(index, text.length);
    } else if (token.kind === "marker" && opener !== undefined) {
      const offset = startOf.get(opener) ?? text.length;
      if (text.length > offset) entities.push({ type: token.type, offset, length: text.length - offset });
    } else {
      unpaired.push(token.value);
      text += token.value;
    }
  });
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities, unpaired };
}

function tokenize(markdown: string): Token[] {
  const tokens: Token[] = [];
  let plain = "";
  const flush = (): void => {
    if (plain !== "") tokens.push({ kind: "text", value: plain });
    plain = "";
  };
  for (let i = 0; i < markdown.length; i++) {
    const c = markdown.charAt(i);
    if (c === "\\" && i + 1 < markdown.length) {
      plain += markdown.charAt(++i);
      continue;
    }
    if (c === "[") {
      const middle = markdown.indexOf("](", i);
      const end = middle < 0 ? -1 : markdown.indexOf(")", middle);
      if (end >= 0) {
        flush();
        const label = markdown.slice(i + 1, middle);
        tokens.push({ kind: "link", label, url: markdown.slice(middle + 2, end) });
        i = end;
        continue;
      }
      flush();
      tokens.push({ kind: "stray", value: "[" });
      continue;
    }
    const marker = MARKERS.find(([m]) => markdown.startsWith(m, i));
    if (marker) {
      flush();
      tokens.push({ kind: "marker", value: marker[0], type: marker[1] });
      i += marker[0].length - 1;
      continue;
    }
    plain += c;
  }
  flush();
  return tokens;
}

/**
 * Pairs each marker with the next of its kind: the map takes a paired marker's index to its opening
 * marker's (an opening marker maps to itself). A marker left open is not in the map.
 */
function pairMarkers(tokens: readonly Token[]): Map<number, number> {
  const pairs = new Map<number, number>();
  const open = new Map<string, number>();
  tokens.forEach((token, index) => {
    if (token.kind !== "marker") return;
    const start = open.get(token.value);
    if (start === undefined) {
      open.set(token.value, index);
    } else {
      open.delete(token.value);
      pairs.set(start, start);
      pairs.set(index, start);
    }
  });
  return pairs;
}
