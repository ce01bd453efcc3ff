// @ts-check
/**
 * The sandbox page's talk with its server: the JSON endpoints of routes.ts, and the corner notice
 * that shows a refusal.
 */

import { byId } from "./dom.js";

/**
 * What the sandbox's JSON endpoints answer, as far as the page reads it (routes.ts).
 * @typedef {{ error?: string, issues?: { path: string, message: string }[], id?: string }} Answer
 */
const flashBox = byId("flash", HTMLDivElement);
/** @type {number | undefined} */
let flashTimer;

/** @param {string} text */
export function flash(text) {
  flashBox.textContent = text;
  flashBox.hidden = false;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => {
    flashBox.hidden = true;
  }, 6000);
}

flashBox.addEventListener("click", () => {
  flashBox.hidden = true;
});

/**
 * JSON from the page's own server; each caller names the shape it comes in (protocol.ts, routes.ts).
 * @param {string} text
 * @returns {unknown}
 */
export function fromJson(text) {
  return JSON.parse(text);
}

/**
 * @param {string} path
 * @param {unknown} body
 * @returns {Promise<{ status: number, ok: boolean, body: Answer }>}
 */
export async function api(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  /** @type {unknown} */
  let answer;
  try {
    answer = fromJson(await response.text());
  } catch {
    answer = {};
  }
  return { status: response.status, ok: response.ok, body: /** @type {Answer} */ (answer) };
}

/**
 * Does what the page asked; a refusal shows in the corner.
 * @param {string} path
 * @param {unknown} body
 */
export async function act(path, body) {
  const answer = await api(path, body);
  if (!answer.ok) flash(answer.body.error || `error ${answer.status}`);
  return answer;
}

/**
 * Handles a form's submission with submit(), instead of the browser's navigation.
 * @param {HTMLFormElement} form
 * @param {() => Promise<unknown>} submit
 */
export function onSubmit(form, submit) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void submit();
  });
}
