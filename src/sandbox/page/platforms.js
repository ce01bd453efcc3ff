// @ts-check
/**
 * Telegram and Bale on the sandbox page: the switch that says on which messenger new readers,
 * channels and groups are made, the news site's deep links on each (a click opens one as a reader of
 * that platform, who presses Start), and what names a card's platform.
 */

import { act, flash } from "./api.js";
import { all, byId, el } from "./dom.js";

/** @import { Platform } from "../../ids.js" */
/** @import { PlatformOnPage, World } from "./protocol.js" */

/** @type {Readonly<Record<Platform, string>>} */
const NAMES = { telegram: "Telegram", bale: "Bale" };

/** @param {Platform} platform */
export const platformName = (platform) => NAMES[platform];

/**
 * The platform's bot as the world describes it (Telegram's when the sandbox has no such platform).
 * @param {World} world
 * @param {Platform} platform
 */
export function botOf(world, platform) {
  return world.platforms.find((p) => p.platform === platform)?.botUsername ?? world.botUsername;
}

/**
 * The small label on a card's head and beside each link: which messenger it is.
 * @param {Platform} platform
 */
export const platformTag = (platform) => el("span", { class: "platform-tag " + platform, text: NAMES[platform] });

/**
 * The platform a select of readers lists (data-platform; Telegram when unset).
 * @param {HTMLElement} select
 * @returns {Platform}
 */
export const platformOfSelect = (select) => (select.dataset.platform === "bale" ? "bale" : "telegram");

/**
 * One <option> per reader of the platform.
 * @param {World} world
 * @param {Platform} platform
 */
export const readerOptions = (world, platform) =>
  world.readers.filter((r) => r.platform === platform).map((r) => el("option", { value: r.id, text: r.name }));

/**
 * A select of the readers of its platform that keeps its choice when the readers change.
 * @param {HTMLSelectElement} select
 * @param {World} world
 */
export function refreshReaders(select, world) {
  const chosen = select.value;
  const options = readerOptions(world, platformOfSelect(select));
  select.replaceChildren(...options);
  // The reader chosen before, if they are still listed (a switch of platform lists others).
  if (options.some((o) => o.value === chosen)) select.value = chosen;
}

/**
 * The platform switch above the side panel's forms, and the site's links. renderWorld keeps them in
 * step with the server: the Bale choice shows only when the sandbox runs Bale.
 */
export function startPlatforms() {
  /** @type {World | undefined} */
  let world;
  const choices = all(byId("platform-switch", HTMLElement), "input[name=platform]", HTMLInputElement);
  const baleChoice = choices.find((c) => c.value === "bale");
  const forum = all(document, "#group-form input[name=forum]", HTMLInputElement)[0];
  /** @returns {Platform} */
  const chosen = () => (choices.find((c) => c.checked)?.value === "bale" ? "bale" : "telegram");
  // The forms' selects of creators list the chosen platform's readers.
  const follow = () => {
    const platform = chosen();
    document.body.dataset.platform = platform;
    for (const select of all(document, ".side .reader-select[data-follows]", HTMLSelectElement)) {
      select.dataset.platform = platform;
      if (world) refreshReaders(select, world);
    }
    // Bale has no forums (docs/bale.md).
    if (forum) {
      forum.disabled = platform === "bale";
      if (forum.disabled && forum.checked) forum.click();
    }
  };
  for (const choice of choices) choice.addEventListener("change", follow);
  follow();
  const links = startSiteLinks();
  return {
    /** The platform new readers are made on. */
    chosen,
    /** @param {World} next */
    renderWorld(next) {
      world = next;
      const hasBale = next.platforms.some((p) => p.platform === "bale");
      const label = baleChoice?.closest("label");
      if (label instanceof HTMLElement) label.hidden = !hasBale;
      if (!hasBale && chosen() === "bale") choices.find((c) => c.value === "telegram")?.click();
      links.render(next);
    },
  };
}

/**
 * The news site's deep links, one per platform for the chosen category: opening one as a reader of
 * its platform sends the bot /start <category>, as pressing Start after following the link does.
 */
function startSiteLinks() {
  const category = byId("link-category", HTMLSelectElement);
  const list = byId("site-links", HTMLUListElement);
  /** @type {{ platform: PlatformOnPage, link: HTMLAnchorElement }[]} */
  let shown = [];
  let shownKey = "";
  const point = () => {
    for (const { platform, link } of shown) {
      link.href = platform.startLink + category.value;
      link.textContent = link.href.replace(/^https:\/\//, "");
    }
  };
  category.addEventListener("change", point);
  return {
    /** @param {World} world */
    render(world) {
      if (category.childElementCount !== world.categories.length) {
        const was = category.value;
        category.replaceChildren(...world.categories.map((c) => el("option", { value: c.slug, text: c.title })));
        if (world.categories.some((c) => c.slug === was)) category.value = was;
      }
      const key = world.platforms.map((p) => p.startLink).join(" ");
      if (key !== shownKey) {
        shownKey = key;
        shown = world.platforms.map((platform) => ({
          platform,
          link: el("a", { class: "site-link", "data-platform": platform.platform }),
        }));
        list.replaceChildren(...shown.map(({ platform, link }) => siteLinkRow(platform, link, world, () => category.value)));
      }
      point();
    },
  };
}

/**
 * @param {PlatformOnPage} platform
 * @param {HTMLAnchorElement} link
 * @param {World} world
 * @param {() => string} payload
 */
function siteLinkRow(platform, link, world, payload) {
  const who = el(
    "select",
    { class: "reader-select", "data-platform": platform.platform, "aria-label": `${platform.name} reader who opens the link` },
    ...readerOptions(world, platform.platform),
  );
  link.addEventListener("click", (event) => {
    event.preventDefault();
    if (!who.value) {
      flash(`Add a ${platform.name} reader first: the link opens the bot on ${platform.name}.`);
      return;
    }
    void act(`/sandbox/readers/${who.value}/deep-link`, { payload: payload() });
  });
  return el(
    "li",
    { class: "site-link-row", "data-platform": platform.platform },
    platformTag(platform.platform),
    link,
    el("label", { class: "inline", text: "open as" }, who),
  );
}
