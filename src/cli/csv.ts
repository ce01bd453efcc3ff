/**
 * CSV as RFC 4180 writes it (comma-separated, fields with commas, quotes or line breaks quoted,
 * quotes doubled), read record by record with the line each record starts on, so that a
 * malformed row is reported by its line and skipped without losing the rest of the file.
 */

export type CsvRecord = { readonly line: number; readonly fields: readonly string[] } | { readonly line: number; readonly error: string };

export function* readCsv(text: string): Generator<CsvRecord> {
  const length = text.length;
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (position < length) {
    const start = line;
    let end = text.indexOf("\n", position);
    if (end < 0) end = length;
    const raw = text.slice(position, end > position && text[end - 1] === "\r" ? end - 1 : end);
    if (!raw.includes('"')) {
      // The common case: no quoting on this line.
      position = end + 1;
      line++;
      if (raw.trim() !== "") yield { line: start, fields: raw.split(",") };
      continue;
    }
    // A line with quotes: scan it; a quoted field may run over several lines.
    const fields: string[] = [];
    let field = "";
    let i = position;
    let error: string | undefined;
    let quoted = false;
    let afterQuote = false;
    for (;;) {
      if (i >= length) {
        if (quoted) error = "a quoted field is never closed";
        else fields.push(field);
        break;
      }
      const c = text[i]!;
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (c === '"') {
          quoted = false;
          afterQuote = true;
          i++;
        } else {
          if (c === "\n") line++;
          field += c;
          i++;
        }
        continue;
      }
      if (c === ",") {
        fields.push(field);
        field = "";
        afterQuote = false;
        i++;
        continue;
      }
      if (c === "\n" || (c === "\r" && text[i + 1] === "\n")) {
        fields.push(field);
        if (c === "\r") i++;
        break;
      }
      if (afterQuote) {
        error = "text after a closing quote";
        break;
      }
      if (c === '"' && field.trim() === "") {
        quoted = true;
        field = "";
      } else {
        field += c;
      }
      i++;
    }
    if (error !== undefined) {
      // Skip the line the problem is on and go on from the next one. A quote never closed would
      // swallow the rest of the file: only the line it opens on is given up.
      let next = quoted ? end : text.indexOf("\n", i);
      if (next < 0) next = length;
      if (quoted) line = start;
      position = next + 1;
      line++;
      yield { line: start, error };
      continue;
    }
    position = i + 1;
    line++;
    yield { line: start, fields };
  }
}

/** One field as RFC 4180 writes it. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRow(values: readonly string[]): string {
  return `${values.map(csvField).join(",")}\n`;
}
