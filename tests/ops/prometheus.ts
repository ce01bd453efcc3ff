/**
 * A strict reader of the Prometheus text exposition format (0.0.4), enough to check what /metrics
 * says: every sample line must parse and belong to a family declared by `# TYPE`, counters must be
 * named `_total`, and label values are unescaped.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  readonly help: string;
  readonly samples: Sample[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+-?\\d+)?$`);
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const match = LABEL.exec(text);
    if (!match) throw new Error(`line ${line}: bad labels {${text}}`);
    labels[match[1]!] = match[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
  }
  return labels;
}

/** As Prometheus reads values (Go's ParseFloat): Inf and NaN in any case (prom-client writes "Nan"). */
function parseValue(text: string, line: number): number {
  if (/^\+?inf(inity)?$/i.test(text)) return Infinity;
  if (/^-inf(inity)?$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`line ${line}: bad value ${text}`);
  return value;
}

export function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const help = new Map<string, string>();
  const familyOf = (sample: string): Family | undefined => {
    for (const suffix of ["", "_bucket", "_sum", "_count"]) {
      if (suffix && !sample.endsWith(suffix)) continue;
      const family = families.get(sample.slice(0, sample.length - suffix.length));
      if (family) return family;
    }
    return undefined;
  };
  text.split("\n").forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    if (raw.startsWith("# HELP ")) {
      const [, name = "", ...rest] = raw.slice(2).split(" ");
      help.set(name, rest.join(" "));
      return;
    }
    if (raw.startsWith("# TYPE ")) {
      const [, name = "", type = ""] = raw.slice(2).split(" ");
      if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(type)) throw new Error(`line ${line}: bad type ${type}`);
      if (families.has(name)) throw new Error(`line ${line}: ${name} declared twice`);
      families.set(name, { name, type: type as Family["type"], help: help.get(name) ?? "", samples: [] });
      return;
    }
    if (raw.startsWith("#")) return;
    const match = SAMPLE.exec(raw);
    if (!match) throw new Error(`line ${line}: not a sample: ${raw}`);
    const name = match[1]!;
    const family = familyOf(name);
    if (!family) throw new Error(`line ${line}: ${name} has no # TYPE`);
    family.samples.push({ name, labels: parseLabels(match[2] ?? "", line), value: parseValue(match[3]!, line) });
  });
  for (const family of families.values()) {
    if (family.type === "counter" && !family.name.endsWith("_total")) throw new Error(`counter ${family.name} is not named _total`);
  }
  return families;
}

/** The value of the one sample of `name` with exactly these labels (undefined when absent). */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      const keys = Object.keys(sample.labels);
      if (keys.length === Object.keys(labels).length && keys.every((k) => sample.labels[k] === labels[k])) return sample.value;
    }
  }
  return undefined;
}
