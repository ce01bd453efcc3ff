import { describe, expect, it } from "vitest";
import { articleWords, mutedMatch, normalizeMutedWord, normalizeText, wordsOf } from "../../src/preferences/words.js";

/** Whether a reader who muted `typed` is spared an article with this title and summary. */
const blocks = (typed: string, title: string, summary = "") =>
  mutedMatch(articleWords(title, summary), [normalizeMutedWord(typed)]) !== undefined;

describe("muted words: Persian and Arabic spellings of one word match", () => {
  it("a word typed with the Persian yeh (ی) blocks a title spelled with the Arabic yeh (ي)", () => {
    expect(blocks("ایران", "اخبار ايران امروز")).toBe(true);
  });

  it("and the other way round, and with alef maksura (ى)", () => {
    expect(blocks("ايران", "اخبار ایران امروز")).toBe(true);
    expect(blocks("موسی", "سخنان موسى")).toBe(true);
  });

  it("the Arabic kaf (ك) is the Persian keheh (ک)", () => {
    expect(blocks("کتاب", "نمایشگاه كتاب تهران")).toBe(true);
  });

  it("teh marbuta (ة) and heh with yeh above (ۀ) are heh (ه)", () => {
    expect(blocks("مدرسه", "مدرسة فردوسی")).toBe(true);
    expect(blocks("خانه", "درِ خانۀ ما")).toBe(true);
  });

  it("tatweel, short vowels and other diacritics do not count", () => {
    expect(blocks("سلام", "سـلـام بر شما")).toBe(true);
    expect(blocks("محمد", "مُحَمَّد رسید")).toBe(true);
  });

  it("a zero-width non-joiner inside a word does not count", () => {
    expect(blocks("میخواهم", "من می‌خواهم بروم")).toBe(true);
    expect(blocks("می‌خواهم", "من میخواهم بروم")).toBe(true);
  });

  it("Persian and Arabic-Indic digits are the digits 0-9", () => {
    expect(normalizeText("۱۴۰۳ و ١٤٠٣")).toBe("1403 و 1403");
    expect(blocks("1403", "بودجه ۱۴۰۳")).toBe(true);
    expect(blocks("۱۴۰۳", "budget 1403")).toBe(true);
  });

  it("case does not count, nor do accents or full-width letters", () => {
    expect(blocks("football", "FOOTBALL results")).toBe(true);
    expect(blocks("cafe", "Café culture")).toBe(true);
    expect(blocks("ｔｅｓｌａ", "Tesla shares")).toBe(true);
  });

  it("Arabic presentation forms read as the letters they show", () => {
    expect(normalizeText("\uFEE1\uFEE0\uFEEA")).toBe(normalizeText("مله"));
  });
});

describe("muted words match whole words only", () => {
  it("a word inside another word does not match", () => {
    expect(blocks("war", "Warsaw weather")).toBe(false);
    expect(blocks("war", "software award")).toBe(false);
    expect(blocks("war", "War ends, at last")).toBe(true);
  });

  it("punctuation around a word separates it", () => {
    expect(blocks("oil", "(Oil) prices: up")).toBe(true);
    expect(blocks("نفت", "«نفت»، دوباره")).toBe(true);
  });

  it("a word in the summary blocks as well as one in the title", () => {
    expect(blocks("election", "Results tonight", "The election count continues.")).toBe(true);
  });

  it("an entry of several words matches them together, in order", () => {
    expect(normalizeMutedWord("COVID-19")).toBe("covid 19");
    expect(blocks("COVID-19", "New covid 19 figures")).toBe(true);
    expect(blocks("covid-19", "19 new covid cases")).toBe(false);
  });

  it("a word made of nothing but punctuation or marks normalizes to nothing", () => {
    expect(normalizeMutedWord("!!!")).toBe("");
    expect(normalizeMutedWord("\u200C\u0640")).toBe("");
  });

  it("what a reader typed is never a pattern: regular-expression syntax is just text", () => {
    expect(blocks(".*", "anything at all")).toBe(false);
    expect(wordsOf("a+b (c|d)")).toEqual(["a", "b", "c", "d"]);
  });

  it("the first matching entry is named; none, undefined", () => {
    const article = articleWords("Oil and gas", "");
    expect(mutedMatch(article, ["football", "gas", "oil"])).toBe("gas");
    expect(mutedMatch(article, ["football"])).toBeUndefined();
    expect(mutedMatch(article, [])).toBeUndefined();
  });
});
