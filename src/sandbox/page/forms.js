// @ts-check
/**
 * The side panel of the sandbox page: Telegram's limits, new readers, channels and groups (on the
 * platform its switch names, platforms.js), and the publish form with its samples and the configured
 * feeds' newest items.
 */

import { act, api, flash, fromJson, onSubmit } from "./api.js";
import { all, byId, el, field } from "./dom.js";
import { startPlatforms } from "./platforms.js";

/** @import { ArticleInput } from "../../ingest/article.js" */
/** @import { SampleArticle } from "../samples.js" */
/** @import { FeedPreview, World } from "./protocol.js" */

/**
 * What the publish form can be filled in with: a sample, or an item of a configured feed.
 * @typedef {SampleArticle | ArticleInput} Fillable
 */

/** Starts the side panel's forms and the header's controls; renderWorld keeps them in step with what the server describes. */
export function startForms() {
  const limitsSwitch = byId("limits", HTMLInputElement);
  limitsSwitch.addEventListener("change", () => void act("/sandbox/limits", { enabled: limitsSwitch.checked }));
  const clock = startClock();
  const platforms = startPlatforms();
  startReaderForm(platforms.chosen);
  startDirectForm();
  startChannelForm();
  startGroupForm();
  const categoryBox = byId("publish-categories", HTMLDivElement);
  startPublishForm();
  return {
    /** @param {World} next */
    renderWorld(next) {
      limitsSwitch.checked = next.limits;
      platforms.renderWorld(next);
      clock.set(next.clock);
      if (categoryBox.childElementCount !== next.categories.length) {
        categoryBox.replaceChildren(
          ...next.categories.map((c) => el("label", {}, el("input", { type: "checkbox", name: "category", value: c.slug }), c.title)),
        );
      }
    },
  };
}

/**
 * The readers' schedules' clock in the header: it ticks in DEFAULT_TIMEZONE, and moves forward an
 * hour or to a time of day.
 */
function startClock() {
  const time = byId("clock-time", HTMLElement);
  const zone = byId("clock-zone", HTMLElement);
  const form = byId("clock-form", HTMLFormElement);
  const to = field(form, "to", HTMLInputElement);
  /** @type {World["clock"]} */
  let shown = { ahead: 0, zone: "UTC" };
  const tick = () => {
    time.textContent = new Intl.DateTimeFormat("en-GB", {
      timeZone: shown.zone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
    }).format(Date.now() + shown.ahead);
    const minutes = Math.round(shown.ahead / 60_000);
    zone.textContent = shown.zone + (minutes > 0 ? ` · ${Math.floor(minutes / 60)} h ${minutes % 60} min ahead` : "");
  };
  setInterval(tick, 1000);
  byId("clock-hour", HTMLButtonElement).addEventListener("click", () => void act("/sandbox/clock", { forwardMinutes: 60 }));
  onSubmit(form, async () => {
    await act("/sandbox/clock", { to: to.value });
  });
  return {
    /** @param {World["clock"]} next */
    set(next) {
      shown = next;
      tick();
    },
  };
}

/** @param {() => import("../../ids.js").Platform} platform the one the switch names */
function startReaderForm(platform) {
  const form = byId("reader-form", HTMLFormElement);
  const name = field(form, "name", HTMLInputElement);
  const language = field(form, "language", HTMLSelectElement);
  onSubmit(form, async () => {
    const answer = await act("/sandbox/readers", { name: name.value, language: language.value, platform: platform() });
    if (answer.ok) name.value = "";
  });
}

/** Opens the private chat between two readers. */
function startDirectForm() {
  const form = byId("direct-form", HTMLFormElement);
  const reader = field(form, "reader", HTMLSelectElement);
  const other = field(form, "other", HTMLSelectElement);
  onSubmit(form, async () => {
    if (!reader.value || !other.value || reader.value === other.value) {
      flash("Choose two different readers.");
      return;
    }
    await act("/sandbox/direct", { readerId: Number(reader.value), otherId: Number(other.value) });
  });
}

function startChannelForm() {
  const form = byId("channel-form", HTMLFormElement);
  const title = field(form, "title", HTMLInputElement);
  const username = field(form, "username", HTMLInputElement);
  const owner = field(form, "owner", HTMLSelectElement);
  onSubmit(form, async () => {
    if (!owner.value) {
      flash("Add a reader first: a channel needs a creator.");
      return;
    }
    /** @type {{ title: string, ownerId: number, username?: string }} */
    const body = { title: title.value, ownerId: Number(owner.value) };
    if (username.value.trim() !== "") body.username = username.value.trim();
    const answer = await act("/sandbox/channels", body);
    if (answer.ok) {
      title.value = "";
      username.value = "";
    }
  });
}

function startGroupForm() {
  const form = byId("group-form", HTMLFormElement);
  const title = field(form, "title", HTMLInputElement);
  const owner = field(form, "owner", HTMLSelectElement);
  const forum = field(form, "forum", HTMLInputElement);
  const topics = field(form, "topics", HTMLInputElement);
  const showTopics = () => {
    topics.hidden = !forum.checked;
  };
  forum.addEventListener("change", showTopics);
  showTopics();
  onSubmit(form, async () => {
    if (!owner.value) {
      flash("Add a reader first: a group needs a creator.");
      return;
    }
    const names = forum.checked
      ? topics.value
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean)
      : [];
    const answer = await act("/sandbox/groups", { title: title.value, ownerId: Number(owner.value), forum: forum.checked, topics: names });
    if (answer.ok) title.value = "";
  });
}

function startPublishForm() {
  const form = byId("publish-form", HTMLFormElement);
  const fields = {
    title: field(form, "title", HTMLInputElement),
    summary: field(form, "summary", HTMLTextAreaElement),
    url: field(form, "url", HTMLInputElement),
    imageUrl: field(form, "imageUrl", HTMLInputElement),
    language: field(form, "language", HTMLInputElement),
    breaking: field(form, "breaking", HTMLInputElement),
  };

  /** @param {Fillable} sample */
  const fill = (sample) => {
    fields.title.value = sample.title;
    fields.summary.value = sample.summary ?? "";
    fields.url.value = sample.url;
    // A sample's picture may be the sandbox's own (a path): no network needed to see a photo.
    fields.imageUrl.value = sample.imageUrl ? new URL(sample.imageUrl, location.href).href : "";
    fields.language.value = sample.language ?? "";
    fields.breaking.checked = sample.priority === "breaking";
    for (const box of all(form, "input[name=category]", HTMLInputElement)) box.checked = sample.categories.includes(box.value);
  };

  const feedList = byId("feed-items", HTMLUListElement);
  const showFeeds = async () => {
    feedList.textContent = "Fetching…";
    const response = await fetch("/sandbox/feeds");
    const { feeds } = /** @type {{ feeds: FeedPreview[] }} */ (fromJson(await response.text()));
    feedList.textContent = "";
    if (feeds.length === 0) {
      feedList.append(el("li", { text: 'No feeds in the categories file (add "feeds": ["https://…"] to a category).' }));
    }
    for (const feed of feeds) {
      feedList.append(el("li", { class: "feed-head", text: feed.category + " · " + feed.url + (feed.error ? " — " + feed.error : "") }));
      for (const item of feed.items) {
        feedList.append(
          el(
            "li",
            {},
            el("button", { type: "button", text: "Use", onclick: () => fill(item) }),
            el("span", { dir: "auto", text: " " + item.title }),
          ),
        );
      }
    }
  };

  /** The sample articles the server put in the page. */
  const samples = /** @type {{ en: SampleArticle, fa: SampleArticle }} */ (fromJson(byId("samples", HTMLScriptElement).text));
  byId("load-feeds", HTMLButtonElement).addEventListener("click", () => void showFeeds());
  byId("sample-en", HTMLButtonElement).addEventListener("click", () => fill(samples.en));
  byId("sample-fa", HTMLButtonElement).addEventListener("click", () => fill(samples.fa));

  const result = byId("publish-result", HTMLParagraphElement);
  onSubmit(form, async () => {
    /** @type {ArticleInput} */
    const article = {
      title: fields.title.value,
      url: fields.url.value.trim(),
      categories: all(form, "input[name=category]:checked", HTMLInputElement).map((b) => b.value),
    };
    if (fields.summary.value.trim() !== "") article.summary = fields.summary.value;
    if (fields.imageUrl.value.trim() !== "") article.imageUrl = fields.imageUrl.value.trim();
    if (fields.language.value.trim() !== "") article.language = fields.language.value.trim();
    if (fields.breaking.checked) article.priority = "breaking";
    const answer = await api("/sandbox/publish", article);
    result.className = "result " + (answer.status === 202 ? "good" : answer.status === 200 ? "" : "bad");
    if (answer.status === 202) result.textContent = `Accepted as ${answer.body.id}: on its way to the subscribers.`;
    else if (answer.status === 200)
      result.textContent = "Published before (same id or URL), so nobody gets it twice. Change its URL to send it again.";
    else if (answer.body.issues) result.textContent = answer.body.issues.map((i) => i.path + ": " + i.message).join("; ");
    else result.textContent = answer.body.error || `error ${answer.status}`;
  });
}
