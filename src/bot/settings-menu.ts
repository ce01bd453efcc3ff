import { InlineKeyboard } from "grammy";
import { isolate, startsRtl } from "../i18n/bidi.js";
import { formatClock, isLanguage, joinList, type Language, type Messages } from "../i18n/index.js";
import { minuteOfDay } from "../preferences/schedule.js";
import { MAX_MUTED_WORDS } from "../preferences/words.js";
import type { ReaderPrefs } from "../store/chat-record.js";

/**
 * The reader's /settings menu and /filters, as pure functions: the texts, the keyboards, and the
 * grammar of the buttons' callback data. A button's data is one of a closed list built from the
 * presets below, and nothing else is ever read from it: a press whose data is not on the list
 * (forged, or left from an older menu) changes nothing.
 */

export const SETTINGS_PREFIX = "pr:";

export const SCREENS = ["main", "digest", "quiet", "languages", "zone", "muted"] as const;
export type Screen = (typeof SCREENS)[number];

/** The daily digest times the menu offers (minutes of the day); /digest daily HH:MM takes any. */
export const DAILY_PRESETS: readonly number[] = [7 * 60, 8 * 60, 12 * 60, 18 * 60, 21 * 60];
/** The quiet hours the menu offers; /quiet takes any window. */
export const QUIET_PRESETS: readonly { readonly from: number; readonly to: number }[] = [
  { from: 22 * 60, to: 7 * 60 },
  { from: 23 * 60, to: 7 * 60 },
  { from: 0, to: 8 * 60 },
];
/** The zones the menu offers (DEFAULT_TIMEZONE goes first when it is not one of them); /timezone takes any. */
export const ZONE_PRESETS: readonly string[] = [
  "Asia/Tehran",
  "UTC",
  "Europe/London",
  "Europe/Berlin",
  "Europe/Istanbul",
  "Asia/Dubai",
  "America/New_York",
  "America/Los_Angeles",
];
/** The article languages the menu offers: all, or only one. */
const LANGUAGE_CHOICES = ["all", "fa", "en"] as const;

/** What a press changes: only the fields the menu steers. */
export type MenuChange = Partial<Pick<ReaderPrefs, "digest" | "quiet" | "languages" | "timezone">>;

export type MenuAction =
  { readonly kind: "show"; readonly screen: Screen } | { readonly kind: "set"; readonly screen: Screen; readonly change: MenuChange };

const hhmm = (minute: number): string => String(Math.floor(minute / 60) * 100 + (minute % 60)).padStart(4, "0");

/** The data of every button the menu can show, with what a press does. */
function buildActions(defaultZone: string): Map<string, MenuAction> {
  const actions = new Map<string, MenuAction>();
  for (const screen of SCREENS) actions.set(`${SETTINGS_PREFIX}s:${screen}`, { kind: "show", screen });
  const set = (data: string, screen: Screen, change: MenuChange) =>
    actions.set(`${SETTINGS_PREFIX}${data}`, { kind: "set", screen, change });
  set("d:instant", "digest", { digest: { kind: "instant" } });
  set("d:hourly", "digest", { digest: { kind: "hourly" } });
  for (const at of DAILY_PRESETS) set(`d:${hhmm(at)}`, "digest", { digest: { kind: "daily", at } });
  set("q:off", "quiet", { quiet: undefined });
  for (const quiet of QUIET_PRESETS) set(`q:${hhmm(quiet.from)}-${hhmm(quiet.to)}`, "quiet", { quiet });
  for (const choice of LANGUAGE_CHOICES) set(`l:${choice}`, "languages", { languages: choice === "all" ? undefined : [choice] });
  for (const zone of zonePresets(defaultZone)) set(`z:${zone}`, "zone", { timezone: zone });
  return actions;
}

export function zonePresets(defaultZone: string): readonly string[] {
  return ZONE_PRESETS.includes(defaultZone) ? ZONE_PRESETS : [defaultZone, ...ZONE_PRESETS];
}

const actionTables = new Map<string, Map<string, MenuAction>>();

/** What a press of `data` does, or undefined when no menu button carries it (forged or stale). */
export function parseMenuData(data: string, defaultZone: string): MenuAction | undefined {
  let table = actionTables.get(defaultZone);
  if (!table) {
    table = buildActions(defaultZone);
    actionTables.set(defaultZone, table);
  }
  return table.get(data);
}

/** The data of the button that makes `change` (one of the presets). */
const dataOf = {
  show: (screen: Screen) => `${SETTINGS_PREFIX}s:${screen}`,
  daily: (at: number) => `${SETTINGS_PREFIX}d:${hhmm(at)}`,
  quiet: (quiet: { from: number; to: number }) => `${SETTINGS_PREFIX}q:${hhmm(quiet.from)}-${hhmm(quiet.to)}`,
};

/** What a reader's settings look like, in their language. */
export interface SettingsView {
  readonly t: Messages;
  readonly language: Language;
  readonly prefs: ReaderPrefs;
  /** The zone their times are in (theirs, else DEFAULT_TIMEZONE). */
  readonly zone: string;
  readonly defaultZone: string;
  /** Epoch minute: the zone's local time is shown. */
  readonly now: number;
}

/**
 * A reader's word as it goes inside a sentence: isolated when it runs the other way than the
 * sentence (a Latin word in Persian, a Persian word in English), so that a list of them keeps its order.
 */
const inline = (text: string, language: Language): string => ((language === "fa") !== startsRtl(text) ? isolate(text) : text);

export function describeDigest({ t, language, prefs }: Pick<SettingsView, "t" | "language" | "prefs">): string {
  const { digest } = prefs;
  if (digest.kind === "hourly") return t.prefs.digestHourly;
  return digest.kind === "daily" ? t.prefs.digestDaily(formatClock(digest.at, language)) : t.prefs.digestInstant;
}

export function describeQuiet({ t, language, prefs }: Pick<SettingsView, "t" | "language" | "prefs">): string {
  const { quiet } = prefs;
  return quiet ? t.prefs.quietWindow(formatClock(quiet.from, language), formatClock(quiet.to, language)) : t.prefs.quietNone;
}

function describeLanguages({ t, language, prefs }: SettingsView): string {
  if (!prefs.languages) return t.prefs.languagesAll;
  const names = prefs.languages.map((code) => (isLanguage(code) ? t.prefs.languageNames[code] : inline(code, language)));
  return t.prefs.languagesOnly(joinList(names, language));
}

/** "Asia/Tehran (now 14:05)": the zone and the time it shows at `now`. */
export function describeZone({ t, language, zone, now }: Pick<SettingsView, "t" | "language" | "zone" | "now">): string {
  return t.prefs.zone(zone, localTime(zone, now, language));
}

export function localTime(zone: string, now: number, language: Language): string {
  return formatClock(minuteOfDay(zone, now), language);
}

/** Muted words for a sentence: "football, climate change"; in Persian with its comma, Latin words isolated. */
export function wordList(words: readonly string[], language: Language): string {
  return joinList(
    words.map((word) => inline(word, language)),
    language,
  );
}

/** The summary of everything a reader set: the top of every menu screen, and /filters. */
export function summaryText(view: SettingsView): string {
  const { t, language, prefs } = view;
  return t.prefs.summary(
    describeDigest(view),
    describeQuiet(view),
    describeLanguages(view),
    describeZone(view),
    prefs.muted.length > 0 ? wordList(prefs.muted, language) : t.prefs.mutedNone,
  );
}

/** The menu's text on `screen`: the summary, then what the screen's buttons cannot do. */
export function menuText(view: SettingsView, screen: Screen): string {
  const { menu } = view.t.prefs;
  const hints: Record<Screen, string | undefined> = {
    main: undefined,
    digest: menu.digestHint,
    quiet: menu.quietHint,
    languages: menu.languagesHint,
    zone: menu.zoneHint,
    muted: menu.mutedHint(MAX_MUTED_WORDS),
  };
  const hint = hints[screen];
  return hint === undefined ? summaryText(view) : `${summaryText(view)}\n\n${hint}`;
}

const mark = (chosen: boolean, label: string): string => (chosen ? `✅ ${label}` : label);

/** Buttons `perRow` to a row, then a row with the way back to the main screen. */
function grid(buttons: readonly [label: string, data: string][], perRow: number, back: string): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  buttons.forEach(([label, data], i) => {
    keyboard.text(label, data);
    if (i % perRow === perRow - 1 || i === buttons.length - 1) keyboard.row();
  });
  return keyboard.text(back, dataOf.show("main"));
}

/** The buttons of `screen`, ✅ on what the reader has now. */
export function menuKeyboard(view: SettingsView, screen: Screen): InlineKeyboard {
  const { t, language, prefs, zone } = view;
  const { menu } = t.prefs;
  const { digest, quiet, languages } = prefs;
  switch (screen) {
    case "main":
      return new InlineKeyboard()
        .text(menu.delivery, dataOf.show("digest"))
        .text(menu.quiet, dataOf.show("quiet"))
        .row()
        .text(menu.languages, dataOf.show("languages"))
        .text(menu.zone, dataOf.show("zone"))
        .row()
        .text(menu.muted, dataOf.show("muted"));
    case "digest":
      return grid(
        [
          [mark(digest.kind === "instant", menu.instant), `${SETTINGS_PREFIX}d:instant`],
          [mark(digest.kind === "hourly", menu.hourly), `${SETTINGS_PREFIX}d:hourly`],
          ...DAILY_PRESETS.map((at): [string, string] => [
            mark(digest.kind === "daily" && digest.at === at, menu.daily(formatClock(at, language))),
            dataOf.daily(at),
          ]),
        ],
        2,
        menu.back,
      );
    case "quiet":
      return grid(
        [
          [mark(!quiet, menu.quietOff), `${SETTINGS_PREFIX}q:off`],
          ...QUIET_PRESETS.map((preset): [string, string] => [
            mark(quiet?.from === preset.from && quiet.to === preset.to, describeQuiet({ t, language, prefs: { ...prefs, quiet: preset } })),
            dataOf.quiet(preset),
          ]),
        ],
        2,
        menu.back,
      );
    case "languages":
      return grid(
        LANGUAGE_CHOICES.map((choice): [string, string] => [
          choice === "all"
            ? mark(!languages, menu.languagesAll)
            : mark(languages?.length === 1 && languages[0] === choice, menu.languageOnly(t.prefs.languageNames[choice])),
          `${SETTINGS_PREFIX}l:${choice}`,
        ]),
        1,
        menu.back,
      );
    case "zone":
      return grid(
        zonePresets(view.defaultZone).map((preset): [string, string] => [mark(preset === zone, preset), `${SETTINGS_PREFIX}z:${preset}`]),
        2,
        menu.back,
      );
    case "muted":
      return grid([], 1, menu.back);
  }
}
