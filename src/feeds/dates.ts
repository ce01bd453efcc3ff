/**
 * Feed dates as ISO 8601 (UTC). RSS uses RFC 822 dates, often with local day and month names
 * ("Seg, 24 Set 2018 19:42:40 -0300"), two-digit years or no colon in the time ("03 Apr 02 1500
 * GMT"); Atom and JSON Feed use RFC 3339. Anything unreadable gives undefined: the item is still
 * sent, only without a date.
 */

/** Month abbreviations (first three letters, lower case, accents removed) in the languages feeds use. */
const MONTHS: Readonly<Record<string, number>> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
  // Portuguese, Spanish, French, German, Italian, Dutch (four letters where three are ambiguous)
  fev: 1,
  abr: 3,
  mai: 4,
  ago: 7,
  set: 8,
  out: 9,
  dez: 11,
  ene: 0,
  dic: 11,
  avr: 3,
  juin: 5,
  juil: 6,
  aou: 7,
  mae: 2,
  okt: 9,
  gen: 0,
  mag: 4,
  giu: 5,
  lug: 6,
  ott: 9,
  mrt: 2,
  mei: 4,
};

const ZONES: Readonly<Record<string, number>> = {
  gmt: 0,
  ut: 0,
  utc: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  cet: 60,
  cest: 120,
  mez: 60,
  mesz: 120,
  bst: 60,
  irst: 210,
  ist: 330,
  jst: 540,
  aest: 600,
  aedt: 660,
};

/** Longer than any date a feed writes ("Wednesday, 30 September 2026 10:05:00.000 +03:30"); longer text is no date. */
const DATE_MAX = 100;
/** Matched against trimmed text of at most DATE_MAX characters; no two neighbouring parts match the same characters. */
const RFC822 =
  /^(?:[\p{L}.]+,?\s+)?(\d{1,2})[\s-]+([\p{L}]+)\.?[\s-]+(\d{2,4})(?:\s+(\d{1,2}):?(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:\s*([+-]\d{2}:?\d{2}|[A-Za-z]{1,5}))?$/u;
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

function monthOf(name: string): number | undefined {
  const key = name.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  return MONTHS[key.slice(0, 4)] ?? MONTHS[key.slice(0, 3)];
}

function offsetMinutes(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const numeric = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3]);
    return numeric[1] === "-" ? -minutes : minutes;
  }
  return ZONES[zone.toLowerCase()] ?? 0;
}

function valid(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return year >= 1970 && year < 3000 ? date.toISOString() : undefined;
}

export function parseFeedDate(raw: string | undefined): string | undefined {
  const text = raw?.trim();
  if (!text || text.length > DATE_MAX) return undefined;
  if (ISO.test(text)) {
    const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.includes("T");
    const normalised = text.replace(" ", "T").replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
    return valid(Date.parse(hasZone || !normalised.includes("T") ? normalised : `${normalised}Z`));
  }
  const match = RFC822.exec(text);
  if (match) {
    const [, day, monthName, yearText, hour, minute, second, zone] = match;
    const month = monthOf(monthName ?? "");
    const offset = offsetMinutes(zone);
    if (month !== undefined && offset !== undefined) {
      let year = Number(yearText);
      if (yearText?.length === 2) year += year < 50 ? 2000 : 1900;
      const utc = Date.UTC(year, month, Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0));
      return valid(utc - offset * 60_000);
    }
  }
  return valid(Date.parse(text));
}
