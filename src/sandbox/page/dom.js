// @ts-check
/** Small DOM helpers of the sandbox page's script (page.js): elements looked up by kind, and built. */

/**
 * The page's element of that id, which page.html has, of that kind.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T }} kind
 * @returns {T}
 */
export function byId(id, kind) {
  const node = document.getElementById(id);
  if (!(node instanceof kind)) throw new Error(`page.html has no ${kind.name} #${id}`);
  return node;
}

/**
 * The elements under root that match the selector, all of that kind.
 * @template {Element} T
 * @param {ParentNode} root
 * @param {string} selector
 * @param {{ new (): T }} kind
 * @returns {T[]}
 */
export function all(root, selector, kind) {
  return Array.from(root.querySelectorAll(selector), (node) => {
    if (!(node instanceof kind)) throw new Error(`${selector} matched a ${node.tagName}`);
    return node;
  });
}

/**
 * A form's control by name (form.title or form.name would be the form's own properties).
 * @template {HTMLElement} T
 * @param {HTMLFormElement} form
 * @param {string} name
 * @param {{ new (): T }} kind
 * @returns {T}
 */
export function field(form, name, kind) {
  const control = form.elements.namedItem(name);
  if (!(control instanceof kind)) throw new Error(`#${form.id} has no ${kind.name} named ${name}`);
  return control;
}

/**
 * An attribute of el(): "class", "text" (the element's text), a listener for "on<event>", or any
 * other attribute (true for an empty one; undefined and false leave it out).
 * @typedef {string | number | boolean | undefined | ((event: Event) => unknown)} Attribute
 */

/**
 * A new element with attributes and children.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Readonly<Record<string, Attribute>>} [attrs]
 * @param {...(Node | string | undefined)} children undefined ones are left out
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = String(value);
    else if (name === "text") node.textContent = String(value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== undefined) node.append(child);
  return node;
}
