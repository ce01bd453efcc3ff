import { describe, expect, it } from "vitest";
import { parseCategories } from "../../src/config/categories.js";
import type { ChatStore } from "../../src/store/chats.js";
import { SubscriptionService } from "../../src/subscriptions/service.js";

const categories = parseCategories(
  {
    categories: [
      { slug: "world", title: { en: "World", fa: "جهان" } },
      { slug: "politics", title: { en: "Politics" } },
      { slug: "sci-tech", title: { en: "Science & Tech" } },
    ],
  },
  "test categories",
);

/** split() never touches the store; anything else on it would throw. */
const noStore = {} as unknown as ChatStore;
const service = new SubscriptionService(noStore, categories);

describe("reading the categories a reader typed", () => {
  it("knows the configured categories", () => {
    expect(service.split(["world", "politics"])).toEqual({ known: ["world", "politics"], unknown: [] });
  });

  it("ignores case", () => {
    expect(service.split(["World", "POLITICS", "Sci-Tech"])).toEqual({ known: ["world", "politics", "sci-tech"], unknown: [] });
  });

  it("accepts hashtags, as the article posts show them", () => {
    expect(service.split(["#world", "#Politics"])).toEqual({ known: ["world", "politics"], unknown: [] });
  });

  it("keeps unknown words exactly as typed, to quote them back", () => {
    expect(service.split(["Weather", "#Cats", "world"])).toEqual({ known: ["world"], unknown: ["Weather", "#Cats"] });
  });

  it("lists a category once however often or however it was typed", () => {
    expect(service.split(["world", "World", "#world", " world "])).toEqual({ known: ["world"], unknown: [] });
    expect(service.split(["cats", "cats"])).toEqual({ known: [], unknown: ["cats"] });
  });

  it("keeps the reader's order", () => {
    expect(service.split(["politics", "world"]).known).toEqual(["politics", "world"]);
  });

  it("skips empty words and a lone #", () => {
    expect(service.split(["", "  ", "#"])).toEqual({ known: [], unknown: [] });
    expect(service.split([])).toEqual({ known: [], unknown: [] });
  });

  it("only strips one leading #", () => {
    expect(service.split(["##world"])).toEqual({ known: [], unknown: ["##world"] });
  });
});
