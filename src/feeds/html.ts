/**
 * A one-pass scanner of the HTML fragments feeds carry (summaries, content, titles). Regular
 * expressions over tags backtrack: a feed of `"<a ".repeat(40000)` kept one for seconds, and the
 * process with it. This walks each character a bounded number of times, whatever the markup, and reads
 * it the way browsers do where that matters: a tag, comment or declaration that is still open at the
 * end of the fragment (a summary cut off by its publisher mid-tag) hides the rest instead of showing
 * it as text; a `<` not followed by a letter, `/`, `!` or `?` is text ("5 < 7").
 */

/** One tag as the scanner found it. */
export interface HtmlTag {
  /** Lower case. */
  readonly name: string;
  readonly closing: boolean;
  /** Attribute values as written (entities not decoded), by lower-case name; the first of a name counts. */
  readonly attributes: ReadonlyMap<string, string>;
}

export interface HtmlVisitor {
  /** Drop the content of scripts, styles and the other elements readers never see as text. */
  readonly skipInvisible?: boolean;
  text(text: string): void;
  /** Returns true to stop the scan (the caller found what it looked for). */
  tag(tag: HtmlTag): boolean | void;
}

/** Elements whose content is not text for a reader: dropped up to their end tag. */
const INVISIBLE = new Set(["script", "style", "noscript", "template", "iframe", "object", "svg", "head"]);

const CODE = { tab: 9, lf: 10, ff: 12, cr: 13, space: 32, quote: 34, apostrophe: 39, slash: 47, equals: 61, gt: 62 } as const;

function isSpace(code: number): boolean {
  return code === CODE.space || code === CODE.lf || code === CODE.tab || code === CODE.cr || code === CODE.ff;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

interface ScannedTag extends HtmlTag {
  /** Just after the tag's `>`. */
  readonly end: number;
  readonly selfClosing: boolean;
}

/**
 * The tag whose name starts at `from` (after `<` or `</`), read to its `>` as the HTML tokenizer
 * does: quotes matter only around attribute values. Undefined when the fragment ends first.
 */
function scanTag(html: string, from: number, closing: boolean): ScannedTag | undefined {
  const length = html.length;
  let i = from;
  while (i < length && !isSpace(html.charCodeAt(i)) && html.charCodeAt(i) !== CODE.slash && html.charCodeAt(i) !== CODE.gt) i++;
  const name = html.slice(from, i).toLowerCase();
  const attributes = new Map<string, string>();
  let selfClosing = false;
  for (;;) {
    while (i < length && (isSpace(html.charCodeAt(i)) || html.charCodeAt(i) === CODE.slash)) {
      selfClosing = html.charCodeAt(i) === CODE.slash;
      i++;
    }
    if (i >= length) return undefined;
    if (html.charCodeAt(i) === CODE.gt) return { name, closing, attributes, selfClosing, end: i + 1 };
    selfClosing = false;
    const nameStart = i;
    i++; // an attribute name may start with "="
    while (i < length) {
      const code = html.charCodeAt(i);
      if (isSpace(code) || code === CODE.slash || code === CODE.gt || code === CODE.equals) break;
      i++;
    }
    const attribute = html.slice(nameStart, i).toLowerCase();
    let j = i;
    while (j < length && isSpace(html.charCodeAt(j))) j++;
    let value = "";
    if (j < length && html.charCodeAt(j) === CODE.equals) {
      j++;
      while (j < length && isSpace(html.charCodeAt(j))) j++;
      const quote = html.charCodeAt(j);
      if (quote === CODE.quote || quote === CODE.apostrophe) {
        const close = html.indexOf(html.charAt(j), j + 1);
        if (close < 0) return undefined;
        value = html.slice(j + 1, close);
        j = close + 1;
      } else {
        const start = j;
        while (j < length && !isSpace(html.charCodeAt(j)) && html.charCodeAt(j) !== CODE.gt) j++;
        value = html.slice(start, j);
      }
      i = j;
    }
    if (!attributes.has(attribute)) attributes.set(attribute, value);
  }
}

/** Where the end tag of `name` starting at or after `from` begins, or -1. */
function endTagOf(html: string, name: string, from: number): number {
  for (let at = html.indexOf("</", from); at >= 0; at = html.indexOf("</", at + 2)) {
    const after = html.charCodeAt(at + 2 + name.length);
    const ends = Number.isNaN(after) || isSpace(after) || after === CODE.slash || after === CODE.gt;
    if (ends && html.slice(at + 2, at + 2 + name.length).toLowerCase() === name) return at;
  }
  return -1;
}

/** Walks `html` once, handing text runs and tags to the visitor. */
export function scanHtml(html: string, visitor: HtmlVisitor): void {
  const length = html.length;
  let i = 0;
  let textStart = 0;
  const flush = (end: number): void => {
    if (end > textStart) visitor.text(html.slice(textStart, end));
  };
  while (i < length) {
    const lt = html.indexOf("<", i);
    if (lt < 0) break;
    const next = html.charCodeAt(lt + 1);
    if (isAsciiLetter(next) || (next === CODE.slash && isAsciiLetter(html.charCodeAt(lt + 2)))) {
      const closing = next === CODE.slash;
      const tag = scanTag(html, lt + (closing ? 2 : 1), closing);
      flush(lt);
      if (!tag) return; // still open at the end: the rest is inside it
      if (visitor.tag(tag) === true) return;
      i = tag.end;
      if (visitor.skipInvisible && !closing && !tag.selfClosing && INVISIBLE.has(tag.name)) {
        const endTag = endTagOf(html, tag.name, i);
        if (endTag < 0) return;
        const closed = scanTag(html, endTag + 2, true);
        if (!closed) return;
        i = closed.end;
      }
      textStart = i;
    } else if (html.startsWith("<!--", lt)) {
      flush(lt);
      const end = html.indexOf("-->", lt + 4);
      if (end < 0) return;
      i = textStart = end + 3;
    } else if (html.startsWith("<![CDATA[", lt)) {
      flush(lt);
      const end = html.indexOf("]]>", lt + 9);
      if (end < 0) return;
      visitor.text(html.slice(lt + 9, end));
      i = textStart = end + 3;
    } else if (next === 0x21 /* ! */ || next === 0x3f /* ? */) {
      // A declaration or processing instruction: up to the next `>`, as browsers read it.
      flush(lt);
      const end = html.indexOf(">", lt + 2);
      if (end < 0) return;
      i = textStart = end + 1;
    } else {
      i = lt + 1; // a "<" that starts nothing: text
    }
  }
  flush(length);
}
