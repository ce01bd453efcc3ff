import type { DigestMode } from "../store/chat-record.js";
import { canonicalTimeZone } from "../time.js";
import { MAX_MUTED_WORDS, MAX_MUTED_WORD_LENGTH, normalizeMutedWord, normalizeText } from "./words.js";

/**
 * What readers type after /digest, /quiet, /timezone, /mute and /unmute, read into preferences or
 * into the reason it is refused. Pure: the bot's handlers answer with the outcome, and store only
 * an "ok".
 */

/** Persian (۰…۹) and Arabic-Indic (٠…٩) digits as 0-9: a Persian keyboard types those. */
const latinDigits = (text: string): string =>
  text.replace(/[\u06F0-\u06F9\u0660-\u0669]/g, (d) => {
    const code = d.codePointAt(0)!;
    return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
  });

/** A 24-hour time, H:MM or HH:MM (`7:30`, `07:30`, `۲۱:۰۰`): the minute of the day, or undefined (`25:00`, `7`, `7.30`). */
export function parseClock(typed: string): number | undefined {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(latinDigits(typed.trim()));
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

const wordsOf = (text: string): string[] => text.trim().split(/\s+/).filter(Boolean);

export type DigestParse =
  | { readonly kind: "ok"; readonly mode: DigestMode }
  /** Nothing, or something that is not one of off, hourly, daily HH:MM. */
  | { readonly kind: "usage" }
  /** `daily` without a time. */
  | { readonly kind: "missing-time" }
  | { readonly kind: "bad-time"; readonly typed: string };

/** `/digest off | instant | hourly | daily HH:MM` (the words in any case). */
export function parseDigest(text: string): DigestParse {
  const [word = "", time, ...rest] = wordsOf(text);
  const mode = word.toLowerCase();
  if (rest.length > 0) return { kind: "usage" };
  if ((mode === "off" || mode === "instant") && time === undefined) return { kind: "ok", mode: { kind: "instant" } };
  if (mode === "hourly" && time === undefined) return { kind: "ok", mode: { kind: "hourly" } };
  if (mode !== "daily") return { kind: "usage" };
  if (time === undefined) return { kind: "missing-time" };
  const at = parseClock(time);
  return at === undefined ? { kind: "bad-time", typed: time } : { kind: "ok", mode: { kind: "daily", at } };
}

export type QuietParse =
  | { readonly kind: "ok"; readonly quiet: { readonly from: number; readonly to: number } }
  | { readonly kind: "off" }
  | { readonly kind: "usage" }
  | { readonly kind: "bad-time"; readonly typed: string }
  /** The window starts and ends at the same minute (`at`): it would hold nothing, or everything. */
  | { readonly kind: "zero-length"; readonly at: number };

/** `/quiet HH:MM-HH:MM | off`: a dash or en/em dash between the times, spaces around it allowed; may wrap midnight. */
export function parseQuiet(text: string): QuietParse {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === "off") return { kind: "off" };
  const parts = trimmed.split(/\s*[-–—]\s*/);
  if (parts.length !== 2 || parts.some((part) => part === "" || /\s/.test(part))) return { kind: "usage" };
  const [fromTyped = "", toTyped = ""] = parts;
  const from = parseClock(fromTyped);
  if (from === undefined) return { kind: "bad-time", typed: fromTyped };
  const to = parseClock(toTyped);
  if (to === undefined) return { kind: "bad-time", typed: toTyped };
  return from === to ? { kind: "zero-length", at: from } : { kind: "ok", quiet: { from, to } };
}

export type ZoneParse =
  | { readonly kind: "ok"; readonly zone: string }
  | { readonly kind: "usage" }
  /** Not a zone Node knows; `suggestion`: the zone whose city the reader may have meant (`london` → Europe/London). */
  | { readonly kind: "unknown"; readonly typed: string; readonly suggestion?: string };

let zonesByCity: Map<string, string> | undefined;

/** The last part of every zone Node knows, squashed (`new york`, `New_York` → `newyork`): for suggestions only. */
const squash = (text: string): string => text.toLowerCase().replace(/[\s_-]+/g, "");

/** Cities Persian readers often live in, as they write them: IANA names hold only Latin ones. */
const PERSIAN_CITIES: Readonly<Record<string, string>> = {
  تهران: "Asia/Tehran",
  کابل: "Asia/Kabul",
  دوشنبه: "Asia/Dushanbe",
  دبی: "Asia/Dubai",
  استانبول: "Europe/Istanbul",
  لندن: "Europe/London",
  پاریس: "Europe/Paris",
  برلین: "Europe/Berlin",
  استکهلم: "Europe/Stockholm",
  تورنتو: "America/Toronto",
  ونکوور: "America/Vancouver",
  نیویورک: "America/New_York",
  لسآنجلس: "America/Los_Angeles",
  سیدنی: "Australia/Sydney",
};

function cityZone(typed: string): string | undefined {
  if (!zonesByCity) {
    zonesByCity = new Map();
    for (const zone of Intl.supportedValuesOf("timeZone")) zonesByCity.set(squash(zone.split("/").at(-1) ?? zone), zone);
    // Persian names compared as muted words are (ي/ی, ZWNJ and spaces do not matter).
    for (const [city, zone] of Object.entries(PERSIAN_CITIES)) zonesByCity.set(squash(normalizeText(city)), zone);
  }
  return zonesByCity.get(squash(normalizeText(typed)));
}

/**
 * `/timezone <IANA name>`: the zones Node knows (`Intl.supportedValuesOf('timeZone')`) and the
 * aliases it accepts (`Asia/Calcutta`, `US/Eastern`), in Node's spelling (src/time.ts, like
 * DEFAULT_TIMEZONE). A city alone is not taken, only suggested: the reader confirms the region.
 */
export function parseZone(text: string): ZoneParse {
  const typed = text.trim();
  if (typed === "") return { kind: "usage" };
  const zone = canonicalTimeZone(typed);
  if (zone !== undefined) return { kind: "ok", zone };
  const suggestion = cityZone(typed);
  return suggestion === undefined ? { kind: "unknown", typed } : { kind: "unknown", typed, suggestion };
}

/**
 * The entries of /mute and /unmute: separated by commas (Latin or Persian) when there is one, so
 * that a phrase can be muted (`/mute climate change, football`); else each word is one entry.
 */
export function mutedEntries(text: string): string[] {
  const separated = /[,،]/.test(text) ? text.split(/[,،]/) : text.split(/\s+/);
  return separated.map((entry) => entry.trim().replace(/\s+/g, " ")).filter(Boolean);
}

export type MutePlan =
  /** `muted`: the reader's list after the change; `added`, `already`: normalized, as stored. */
  | { readonly kind: "ok"; readonly muted: readonly string[]; readonly added: readonly string[]; readonly already: readonly string[] }
  | { readonly kind: "usage" }
  | { readonly kind: "too-long"; readonly entry: string }
  /** Nothing of the entry is a letter or digit (`!!!`). */
  | { readonly kind: "not-a-word"; readonly entry: string }
  /** The list would pass MAX_MUTED_WORDS: the reader has `have`, `room` more fit. */
  | { readonly kind: "too-many"; readonly have: number; readonly room: number };

/**
 * Muting `entries` on top of `current` (normalized, as stored): all of them or, when one is
 * refused, none (the answer names the first refused entry).
 */
export function planMute(current: readonly string[], entries: readonly string[]): MutePlan {
  if (entries.length === 0) return { kind: "usage" };
  const normalized: string[] = [];
  for (const entry of entries) {
    const word = normalizeMutedWord(entry);
    // The stored form can be longer than the typed one (a ligature unfolds): both must fit.
    if (entry.length > MAX_MUTED_WORD_LENGTH || word.length > MAX_MUTED_WORD_LENGTH) return { kind: "too-long", entry };
    if (word === "") return { kind: "not-a-word", entry };
    normalized.push(word);
  }
  const have = new Set(current);
  const unique = [...new Set(normalized)];
  const added = unique.filter((word) => !have.has(word));
  const already = unique.filter((word) => have.has(word));
  if (current.length + added.length > MAX_MUTED_WORDS) {
    return { kind: "too-many", have: current.length, room: Math.max(0, MAX_MUTED_WORDS - current.length) };
  }
  return { kind: "ok", muted: [...current, ...added], added, already };
}

export type UnmutePlan =
  | { readonly kind: "ok"; readonly muted: readonly string[]; readonly removed: readonly string[]; readonly notMuted: readonly string[] }
  | { readonly kind: "usage" };

/** Unmuting `entries` (compared normalized, so `Football` unmutes `football`); `notMuted` keeps what the reader typed. */
export function planUnmute(current: readonly string[], entries: readonly string[]): UnmutePlan {
  if (entries.length === 0) return { kind: "usage" };
  const byWord = new Map(entries.map((entry) => [normalizeMutedWord(entry), entry]));
  const removed = current.filter((word) => byWord.has(word));
  const notMuted = [...byWord].filter(([word]) => !current.includes(word)).map(([, entry]) => entry);
  return { kind: "ok", muted: current.filter((word) => !byWord.has(word)), removed, notMuted };
}
