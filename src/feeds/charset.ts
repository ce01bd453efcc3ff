import { TextDecoder } from "node:util";

/**
 * Turning a feed's bytes into text. The character set comes from, in order: a byte order mark, the
 * HTTP `Content-Type` charset, the XML prolog's `encoding`. Servers often send a default
 * `charset=utf-8` for files that are really ISO-8859-1 (or the other way round), so a declared
 * UTF-8 is believed only when the bytes are valid UTF-8, and bytes that are valid UTF-8 beyond ASCII
 * are read as UTF-8 when either declaration says so. With nothing usable declared, invalid UTF-8 is
 * read as Windows-1252 (the WHATWG reading of ISO-8859-1), which never fails.
 */

export interface DecodedBody {
  readonly text: string;
  /** The WHATWG name of the encoding used, e.g. "utf-8", "windows-1252", "windows-1256". */
  readonly charset: string;
  readonly source: "bom" | "header" | "prolog" | "default" | "fallback";
}

/** The charset parameter of a Content-Type header, if any. */
export function charsetOfContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return match?.[1]?.trim().toLowerCase() || undefined;
}

/** The `encoding` of an XML prolog at the start of the bytes, if any. */
export function charsetOfXmlProlog(bytes: Uint8Array): string | undefined {
  // The prolog is ASCII in every ASCII-compatible encoding; latin1 reads any byte.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 512)).toString("latin1");
  const match = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return match?.[1]?.toLowerCase();
}

function decoderFor(label: string, fatal = false): TextDecoder | undefined {
  try {
    return new TextDecoder(label, { fatal });
  } catch {
    return undefined; // an encoding TextDecoder does not know
  }
}

function bomEncoding(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  return undefined;
}

function isAscii(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte > 0x7f) return false;
  return true;
}

function validUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export function decodeFeedBody(bytes: Uint8Array, contentType?: string): DecodedBody {
  const bom = bomEncoding(bytes);
  if (bom) {
    const decoder = decoderFor(bom);
    if (decoder) return { text: decoder.decode(bytes), charset: decoder.encoding, source: "bom" };
  }
  const declared: { decoder: TextDecoder; source: "header" | "prolog" }[] = [];
  const header = charsetOfContentType(contentType);
  const prolog = charsetOfXmlProlog(bytes);
  for (const [label, source] of [
    [header, "header"],
    [prolog, "prolog"],
  ] as const) {
    const decoder = label ? decoderFor(label) : undefined;
    if (decoder) declared.push({ decoder, source });
  }

  const first = declared[0];
  if (isAscii(bytes)) {
    // Every ASCII-compatible encoding reads ASCII the same; UTF-16 declared without a BOM is honoured.
    const decoder = first?.decoder.encoding.startsWith("utf-16") ? first.decoder : new TextDecoder("utf-8");
    return { text: decoder.decode(bytes), charset: decoder.encoding, source: first?.source ?? "default" };
  }
  const utf8 = validUtf8(bytes);
  const utf8Declared = declared.find((d) => d.decoder.encoding === "utf-8");
  if (utf8 !== undefined && (declared.length === 0 || utf8Declared)) {
    return { text: utf8, charset: "utf-8", source: utf8Declared?.source ?? "default" };
  }
  const other = declared.find((d) => d.decoder.encoding !== "utf-8");
  if (other) return { text: other.decoder.decode(bytes), charset: other.decoder.encoding, source: other.source };
  const fallback = new TextDecoder("windows-1252");
  return { text: fallback.decode(bytes), charset: fallback.encoding, source: "fallback" };
}
