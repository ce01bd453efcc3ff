import type { SampleArticle } from "./samples.js";

/**
 * The /sandbox page: one HTML document with its style and a small script, no framework and no
 * build step. The script keeps no state of its own beyond what the server streams
 * (/sandbox/events) and talks to the server only through the JSON endpoints of routes.ts.
 *
 * Messages are drawn from Telegram's entities with DOM nodes (textContent), never from the bot's
 * HTML: whatever an article or a reader's name holds stays text.
 */

export interface PageOptions {
  /** The CSP nonce of this answer's style and script. */
  readonly nonce: string;
  readonly samples: { readonly en: SampleArticle; readonly fa: SampleArticle };
}

/** JSON that is safe inside a <script> element: no "</script>", no "<!--". */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

export function renderSandboxPage(options: PageOptions): string {
  const nonce = options.nonce.replace(/[^A-Za-z0-9+/=]/g, "");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bulletin sandbox</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header class="top">
  <div class="brand">
    <h1>Bulletin <span>sandbox</span></h1>
    <p>Readers, channels and the bot on a Telegram of its own: nothing leaves this machine.</p>
  </div>
  <div class="counters" aria-live="polite">
    <div class="stat"><b id="c-queued">0</b><span>queued jobs</span></div>
    <div class="stat"><b id="c-sent">0</b><span>sent</span></div>
    <div class="stat warn"><b id="c-limited">0</b><span>429, retried</span></div>
    <div class="stat bad"><b id="c-failed">0</b><span>failed</span></div>
  </div>
  <label class="switch">
    <input type="checkbox" id="limits">
    <span class="track" aria-hidden="true"></span>
    <span class="switch-text">Telegram's limits<small>30/s · 1/s per reader · 20/min per channel</small></span>
  </label>
  <span id="live" class="live">connecting…</span>
</header>
<main class="layout">
  <aside class="side">
    <section class="panel">
      <h2>Readers</h2>
      <form id="reader-form" class="row">
        <input name="name" placeholder="Name, e.g. Maryam" required maxlength="64" autocomplete="off">
        <select name="language" aria-label="Language"><option value="en">English</option><option value="fa">فارسی</option></select>
        <button type="submit">Add</button>
      </form>
      <p class="hint">Each reader gets a private chat with the bot. Press START, tap categories, type commands.</p>
    </section>
    <section class="panel">
      <h2>Channels</h2>
      <form id="channel-form" class="stack">
        <div class="row">
          <input name="title" placeholder="Title, e.g. Regional News" required maxlength="128" autocomplete="off">
          <input name="username" placeholder="@username" maxlength="33" autocomplete="off">
        </div>
        <div class="row">
          <label class="inline">Creator <select name="owner" class="reader-select" required></select></label>
          <button type="submit">Create</button>
        </div>
      </form>
      <p class="hint">On the channel's card, its creator adds the bot as an administrator; the bot then sends them a category picker. Or link by command: <code>/link @username world</code>.</p>
    </section>
    <section class="panel">
      <h2>Publish</h2>
      <div class="row samples">
        <button type="button" id="sample-en">Sample article</button>
        <button type="button" id="sample-fa">Persian sample</button>
      </div>
      <form id="publish-form" class="stack">
        <input name="title" placeholder="Title" required maxlength="1000" dir="auto">
        <textarea name="summary" rows="3" placeholder="Summary (optional)" dir="auto"></textarea>
        <input name="url" type="url" placeholder="https://news.example.com/…" required>
        <input name="imageUrl" type="url" placeholder="Image URL (optional): sent as a photo">
        <div id="publish-categories" class="categories" role="group" aria-label="Categories"></div>
        <div class="row">
          <input name="language" placeholder="Language (en, fa…)" maxlength="12">
          <label class="inline"><input type="checkbox" name="breaking"> Breaking</label>
          <button type="submit" class="primary">Publish</button>
        </div>
        <p id="publish-result" class="result" role="status"></p>
      </form>
      <p class="hint">The same ingest as <code>POST /api/articles</code>: validated, deduplicated, fanned out.</p>
      <div class="row samples">
        <button type="button" id="load-feeds">Newest items of the configured feeds</button>
      </div>
      <ul id="feed-items" class="feed-items"></ul>
    </section>
    <section class="panel">
      <h2>Activity</h2>
      <ol id="activity" class="activity"></ol>
    </section>
  </aside>
  <section class="chats" id="chats" aria-label="Chats">
    <p class="empty" id="chats-empty">Add a reader to begin: each one gets a Telegram chat with the bot here.</p>
  </section>
</main>
<div id="flash" class="flash" role="alert" title="Click to close" hidden></div>
<script type="application/json" id="samples">${scriptJson(options.samples)}</script>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

const STYLE = `
:root {
  --bg: #f3f4f6; --panel: #fff; --line: #e2e5e9; --text: #1c1f23; --muted: #6b7480;
  --accent: #3390ec; --accent-dark: #2b7bd0; --warn: #b7791f; --bad: #c53030; --good: #2f855a;
  --wall: linear-gradient(160deg, #e4ecd9 0%, #d3e3c8 55%, #dfe6c4 100%);
  --out: #e7fcd8; --radius: 12px;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Vazirmatn", Tahoma, sans-serif;
  color: var(--text); background: var(--bg);
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; }
button, input, select, textarea { font: inherit; color: inherit; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eef1f4; padding: 1px 4px; border-radius: 4px; }

.top { display: flex; align-items: center; gap: 24px; padding: 14px 24px; background: var(--panel); border-bottom: 1px solid var(--line); flex-wrap: wrap; }
.brand h1 { margin: 0; font-size: 20px; letter-spacing: -0.01em; }
.brand h1 span { color: var(--accent); font-weight: 600; }
.brand p { margin: 2px 0 0; color: var(--muted); font-size: 13px; }
.counters { display: flex; gap: 10px; margin-left: auto; }
.stat { min-width: 92px; padding: 6px 12px; border: 1px solid var(--line); border-radius: 10px; background: #fafbfc; }
.stat b { display: block; font-size: 20px; font-variant-numeric: tabular-nums; }
.stat span { font-size: 12px; color: var(--muted); }
.stat.warn b { color: var(--warn); }
.stat.bad b { color: var(--bad); }
.switch { display: flex; align-items: center; gap: 10px; cursor: pointer; user-select: none; }
.switch input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.switch .track { width: 40px; height: 22px; border-radius: 11px; background: #c9ced6; position: relative; transition: background .15s; flex: none; }
.switch .track::after { content: ""; position: absolute; top: 3px; left: 3px; width: 16px; height: 16px; border-radius: 50%; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.25); transition: transform .15s; }
.switch input:checked + .track { background: var(--accent); }
.switch input:checked + .track::after { transform: translateX(18px); }
.switch input:focus-visible + .track { outline: 2px solid var(--accent); outline-offset: 2px; }
.switch-text { display: flex; flex-direction: column; font-weight: 500; }
.switch-text small { color: var(--muted); font-weight: 400; font-size: 12px; }
.live { font-size: 12px; color: var(--muted); }
.live.on { color: var(--good); }
.live.on::before { content: "● "; }

.layout { display: grid; grid-template-columns: 360px 1fr; gap: 20px; padding: 20px 24px; align-items: start; }
.side { display: flex; flex-direction: column; gap: 14px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 14px 16px; }
.panel h2 { margin: 0 0 10px; font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.hint { margin: 8px 0 0; color: var(--muted); font-size: 12.5px; }
.row { display: flex; gap: 8px; align-items: center; }
.row > input { flex: 1; min-width: 0; }
.stack { display: flex; flex-direction: column; gap: 8px; }
input, select, textarea { border: 1px solid #cfd5dc; border-radius: 8px; padding: 7px 10px; background: #fff; }
textarea { resize: vertical; }
input:focus, select:focus, textarea:focus { outline: 2px solid rgba(51,144,236,.35); border-color: var(--accent); }
button { border: 1px solid #cfd5dc; background: #fff; border-radius: 8px; padding: 7px 12px; cursor: pointer; white-space: nowrap; }
button:hover { background: #f4f6f8; }
button.primary, .panel form button[type=submit] { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 500; }
button.primary:hover, .panel form button[type=submit]:hover { background: var(--accent-dark); }
.inline { display: flex; align-items: center; gap: 6px; color: var(--muted); white-space: nowrap; }
.inline select { color: var(--text); }
.row .inline:first-child { flex: 1; }
.row .inline:first-child select { flex: 1; min-width: 0; }
.samples button { flex: 1; }
.categories { display: flex; flex-wrap: wrap; gap: 6px; }
.categories label { display: inline-flex; align-items: center; gap: 5px; padding: 3px 10px 3px 7px; border: 1px solid #cfd5dc; border-radius: 999px; cursor: pointer; font-size: 13px; }
.categories label:has(input:checked) { background: #e8f2fd; border-color: var(--accent); }
.result { margin: 0; min-height: 1.45em; font-size: 13px; }
.result.good { color: var(--good); }
.result.bad { color: var(--bad); }
.activity { list-style: none; margin: 0; padding: 0; max-height: 300px; overflow: auto; font-size: 12.5px; }
.activity li { padding: 4px 0; border-top: 1px solid #f0f2f4; display: flex; gap: 8px; }
.activity li:first-child { border-top: 0; }
.activity time { color: var(--muted); font-variant-numeric: tabular-nums; flex: none; }
.activity .warn { color: var(--warn); }
.activity .error { color: var(--bad); }

.chats { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px; }
.empty { grid-column: 1 / -1; margin: 40px 0; text-align: center; color: var(--muted); }
.chat { display: flex; flex-direction: column; height: 640px; border-radius: var(--radius); overflow: hidden; border: 1px solid var(--line); background: var(--wall); position: relative; }
.chat-head { display: flex; align-items: center; gap: 10px; padding: 10px 14px; background: var(--panel); border-bottom: 1px solid var(--line); }
.avatar { width: 36px; height: 36px; border-radius: 50%; display: grid; place-items: center; color: #fff; font-weight: 600; flex: none; background: linear-gradient(135deg, #72d5fd, #2a9ef1); }
.channel .avatar { background: linear-gradient(135deg, #ffb36b, #f0754a); }
.chat-title { font-weight: 600; }
.chat-sub { font-size: 12px; color: var(--muted); }
.badge { margin-left: auto; font-size: 11.5px; padding: 2px 8px; border-radius: 999px; background: #eef1f4; color: var(--muted); white-space: nowrap; }
.badge.on { background: #e3f4e8; color: var(--good); }
.messages { flex: 1; overflow-y: auto; padding: 12px 12px 6px; display: flex; flex-direction: column; gap: 6px; }
.msg { display: flex; flex-direction: column; max-width: 88%; }
.msg.bot { align-self: flex-start; }
.msg.user { align-self: flex-end; }
.channel .msg { max-width: 100%; align-self: stretch; }
.bubble { background: #fff; border-radius: var(--radius); padding: 6px 10px 5px; box-shadow: 0 1px 1px rgba(0,0,0,.12); overflow-wrap: anywhere; }
.msg.bot .bubble { border-bottom-left-radius: 4px; }
.msg.user .bubble { background: var(--out); border-bottom-right-radius: 4px; }
.msg.has-kb .bubble { border-bottom-left-radius: 4px; border-bottom-right-radius: 4px; }
.author { font-weight: 600; color: #e17a3e; font-size: 13px; margin-bottom: 2px; }
.body { white-space: pre-wrap; }
.body a, .body .link { color: var(--accent); text-decoration: none; cursor: pointer; }
.body a:hover, .body .link:hover { text-decoration: underline; }
.body code, .body pre { background: rgba(0,0,0,.06); }
.body pre { margin: 4px 0; padding: 6px 8px; border-radius: 6px; white-space: pre-wrap; font: 12.5px/1.4 ui-monospace, Menlo, Consolas, monospace; }
.body blockquote { margin: 4px 0; padding: 2px 8px; border-inline-start: 3px solid var(--accent); background: rgba(51,144,236,.08); border-radius: 4px; }
.spoiler { background: #9aa3ad; color: transparent; border-radius: 3px; cursor: pointer; }
.spoiler.shown { background: transparent; color: inherit; }
.photo { margin: -6px -10px 6px; border-radius: var(--radius) var(--radius) 0 0; overflow: hidden; background: linear-gradient(135deg, #b8c6d4, #8fa3b8); aspect-ratio: 3 / 2; display: grid; place-items: center; color: rgba(255,255,255,.92); font-size: 13px; }
.photo img { width: 100%; height: 100%; object-fit: cover; display: block; }
.photo-only .photo { margin-bottom: -5px; border-radius: var(--radius); }
.preview { display: block; margin: 6px 0 2px; padding: 4px 8px; border-inline-start: 3px solid var(--accent); background: rgba(51,144,236,.08); border-radius: 4px; text-decoration: none; color: inherit; font-size: 13px; }
.preview b { display: block; color: var(--accent); }
.preview span { color: var(--muted); overflow-wrap: anywhere; }
.meta { display: block; text-align: end; font-size: 11.5px; color: #8d99a6; margin-top: 1px; }
.msg.user .meta { color: #5aa35a; }
.kb { display: flex; flex-direction: column; gap: 4px; margin-top: 4px; }
.kb-row { display: flex; gap: 4px; }
.kb-row > * { flex: 1; border: 0; border-radius: 8px; padding: 7px 8px; background: rgba(66, 95, 70, .36); color: #fff; font-weight: 500; text-align: center; text-decoration: none; font-size: 13.5px; }
.kb-row > *:hover { background: rgba(66, 95, 70, .5); }
.toast { position: absolute; top: 64px; left: 50%; transform: translateX(-50%); background: rgba(30,35,40,.85); color: #fff; padding: 6px 14px; border-radius: 999px; font-size: 13px; z-index: 2; pointer-events: none; transition: opacity .3s; }
.toast.gone { opacity: 0; }
.composer { display: flex; flex-direction: column; gap: 6px; padding: 8px 10px 10px; background: var(--panel); border-top: 1px solid var(--line); }
.chips { display: flex; gap: 4px; flex-wrap: wrap; }
.chips button { padding: 2px 8px; font-size: 12px; border-radius: 999px; color: var(--accent); border-color: #d3e4f7; }
.composer .row input { flex: 1; }
.start-btn { margin: 8px 10px 10px; padding: 10px; border: 0; border-radius: 10px; background: var(--accent); color: #fff; font-weight: 600; letter-spacing: .06em; }
.start-btn:hover { background: var(--accent-dark); }
.chat-hint { margin: auto 20px; align-self: center; text-align: center; color: #51606e; background: rgba(255,255,255,.6); padding: 8px 12px; border-radius: 10px; font-size: 13px; }
.channel-foot { padding: 8px 10px 10px; background: var(--panel); border-top: 1px solid var(--line); font-size: 12.5px; color: var(--muted); display: flex; flex-direction: column; gap: 6px; }
.channel-foot .row select { flex: 1; min-width: 0; }
.flash { cursor: pointer; position: fixed; right: 20px; bottom: 20px; max-width: 420px; background: #fff5f5; color: var(--bad); border: 1px solid #f3c2c2; border-radius: 10px; padding: 10px 14px; box-shadow: 0 4px 16px rgba(0,0,0,.12); }

@media (max-width: 900px) {
  .layout { grid-template-columns: 1fr; }
  .counters { margin-left: 0; }
}
`;

/** The page's script: plain browser JavaScript, kept free of backticks and `${`. */
const SCRIPT = String.raw`
"use strict";
(function () {
  const samples = JSON.parse(document.getElementById("samples").textContent);
  let world = { readers: [], channels: [], categories: [], limits: true, botUsername: "bot" };
  /** chat id -> array of entries, in order; an edited message replaces its entry. */
  const transcripts = new Map();

  // ----- small helpers ---------------------------------------------------------------------
  function el(tag, attrs) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (let i = 2; i < arguments.length; i++) {
      const child = arguments[i];
      if (child !== undefined && child !== null && child !== false) node.append(child);
    }
    return node;
  }
  const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const clockSeconds = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const safeUrl = (url) => /^(https?|tg):/i.test(url || "") ? url : undefined;

  function flash(text) {
    const box = document.getElementById("flash");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(flash.timer);
    flash.timer = setTimeout(() => { box.hidden = true; }, 6000);
  }

  document.getElementById("flash").addEventListener("click", (e) => { e.currentTarget.hidden = true; });

  async function api(path, body) {
    const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    let answer = {};
    try { answer = await response.json(); } catch (e) { answer = {}; }
    return { status: response.status, ok: response.ok, body: answer };
  }

  /** Does what the page asked; a refusal shows in the corner. */
  async function act(path, body) {
    const answer = await api(path, body);
    if (!answer.ok) flash(answer.body.error || ("error " + answer.status));
    return answer;
  }

  /** A form's control by name (form.title or form.name would be the form's own properties). */
  const field = (form, name) => form.elements.namedItem(name);

  // ----- Telegram's entities, drawn as DOM nodes -------------------------------------------
  /** Telegram's automatic links in plain text: hashtags, /commands, @mentions, URLs. */
  const AUTO = /(^|[^\p{L}\p{N}_\/@#])(#[\p{L}\p{N}_]+|\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?|@[A-Za-z][A-Za-z0-9_]{4,31}|https?:\/\/[^\s<>"]+)/gu;

  function autoLinked(text, chat) {
    const out = document.createDocumentFragment();
    let at = 0;
    for (const match of text.matchAll(AUTO)) {
      const start = match.index + match[1].length;
      const token = match[2];
      if (start > at) out.append(text.slice(at, start));
      // dir="auto" isolates the token, so "#world" stays "#world" inside right-to-left text.
      if (token[0] === "h") out.append(el("a", { href: token, target: "_blank", rel: "noopener noreferrer", dir: "auto", text: token }));
      else if (token[0] === "/" && chat && chat.kind === "reader") out.append(el("span", { class: "link", dir: "auto", title: "Send " + token, onclick: () => say(chat.id, token.split("@")[0]), text: token }));
      else out.append(el("span", { class: "link", dir: "auto", text: token }));
      at = start + token.length;
    }
    if (at < text.length) out.append(text.slice(at));
    return out;
  }

  function wrap(entity, inner, text) {
    switch (entity.type) {
      case "bold": return el("b", {}, inner);
      case "italic": return el("i", {}, inner);
      case "underline": return el("u", {}, inner);
      case "strikethrough": return el("s", {}, inner);
      case "code": return el("code", {}, inner);
      case "pre": return el("pre", {}, inner);
      case "blockquote": case "expandable_blockquote": return el("blockquote", {}, inner);
      case "spoiler": return el("span", { class: "spoiler", onclick: (e) => e.currentTarget.classList.add("shown") }, inner);
      case "text_link": {
        const href = safeUrl(entity.url);
        return href ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer", title: href }, inner) : el("span", { class: "link" }, inner);
      }
      case "url": {
        const href = safeUrl(text.slice(entity.offset, entity.offset + entity.length));
        return href ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, inner) : inner;
      }
      case "mention": case "hashtag": case "cashtag": case "bot_command": case "email": case "phone_number": case "text_mention":
        return el("span", { class: "link", dir: "auto" }, inner);
      default: return inner;
    }
  }

  /** Offsets and lengths are UTF-16 code units, as JavaScript strings count. */
  function renderText(text, entities, chat) {
    const out = document.createDocumentFragment();
    const cuts = new Set([0, text.length]);
    for (const e of entities) { cuts.add(Math.max(0, e.offset)); cuts.add(Math.min(text.length, e.offset + e.length)); }
    const points = Array.from(cuts).sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const from = points[i], to = points[i + 1];
      if (from >= to) continue;
      const active = entities
        .filter((e) => e.offset <= from && e.offset + e.length >= to)
        .sort((a, b) => a.offset - b.offset || b.length - a.length);
      const linked = active.some((e) => ["text_link", "url", "code", "pre", "bot_command", "hashtag", "mention"].includes(e.type));
      let node = linked ? document.createTextNode(text.slice(from, to)) : autoLinked(text.slice(from, to), chat);
      for (let k = active.length - 1; k >= 0; k--) node = wrap(active[k], node, text);
      out.append(node);
    }
    return out;
  }

  // ----- messages --------------------------------------------------------------------------
  function photoNode(photo) {
    const box = el("div", { class: "photo" });
    const source = safeUrl(photo.source);
    const fallback = () => { box.textContent = "🖼 " + (source ? new URL(source).host : "photo") + " · " + photo.width + "×" + photo.height; };
    if (source) {
      const img = el("img", { src: source, alt: "", loading: "lazy", referrerpolicy: "no-referrer" });
      img.addEventListener("error", fallback);
      box.append(img);
    } else fallback();
    return box;
  }

  function previewNode(url) {
    const href = safeUrl(url);
    if (!href) return undefined;
    let host = href;
    try { host = new URL(href).host; } catch (e) { host = href; }
    return el("a", { class: "preview", href: href, target: "_blank", rel: "noopener noreferrer" }, el("b", { text: host }), el("span", { text: href }));
  }

  function keyboardNode(chat, entry) {
    if (!entry.buttons || entry.buttons.length === 0) return undefined;
    const kb = el("div", { class: "kb" });
    for (const row of entry.buttons) {
      const line = el("div", { class: "kb-row" });
      for (const button of row) {
        if (button.url) {
          const href = safeUrl(button.url);
          line.append(el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: button.text }));
        } else {
          line.append(el("button", {
            type: "button",
            text: button.text,
            "data-data": button.data,
            onclick: () => act("/sandbox/press", { readerId: chat.id, messageId: entry.messageId, data: button.data }),
          }));
        }
      }
      kb.append(line);
    }
    return kb;
  }

  function messageNode(chat, entry) {
    const bubble = el("div", { class: "bubble" });
    if (chat.kind === "channel") bubble.append(el("div", { class: "author", text: chat.title }));
    if (entry.photo) bubble.append(photoNode(entry.photo));
    if (entry.text !== "") bubble.append(el("div", { class: "body", dir: "auto" }, renderText(entry.text, entry.entities, chat)));
    if (entry.preview) bubble.append(previewNode(entry.preview));
    bubble.append(el("span", { class: "meta", text: (entry.edited ? "edited " : "") + clock(entry.date * 1000) }));
    const kb = chat.kind === "reader" ? keyboardNode(chat, entry) : undefined;
    const node = el("div", {
      class: "msg " + entry.from + (kb ? " has-kb" : "") + (entry.photo && entry.text === "" ? " photo-only" : ""),
      "data-key": entry.key,
      "data-message-id": entry.messageId,
    }, bubble, kb);
    return node;
  }

  // ----- chats -----------------------------------------------------------------------------
  const cards = new Map();

  function chatOf(id) {
    const reader = world.readers.find((r) => r.id === id);
    if (reader) return { kind: "reader", id: id, title: reader.name, reader: reader };
    const channel = world.channels.find((c) => c.id === id);
    if (channel) return { kind: "channel", id: id, title: channel.title, channel: channel };
    return undefined;
  }

  function say(readerId, text) {
    return act("/sandbox/readers/" + readerId + "/send", { text: text });
  }

  function readerCard(reader) {
    const chat = chatOf(reader.id);
    const messages = el("div", { class: "messages", role: "log" });
    const input = el("input", { name: "text", placeholder: "Message as " + reader.name, autocomplete: "off", dir: "auto", maxlength: "4096" });
    const chips = el("div", { class: "chips" });
    for (const command of ["/start", "/categories", "/mysubs", "/channels", "/help"]) {
      chips.append(el("button", { type: "button", text: command, onclick: () => say(reader.id, command) }));
    }
    const composer = el("form", {
      class: "composer",
      onsubmit: (event) => {
        event.preventDefault();
        const text = input.value.trim();
        if (text === "") return;
        input.value = "";
        say(reader.id, text);
      },
    }, chips, el("div", { class: "row" }, input, el("button", { type: "submit", text: "Send" })));
    const start = el("button", { type: "button", class: "start-btn", text: "START", onclick: () => say(reader.id, "/start") });
    const card = el("section", { class: "chat reader", "data-chat-id": reader.id, "data-name": reader.name },
      el("header", { class: "chat-head" },
        el("span", { class: "avatar", text: Array.from(reader.name)[0] || "?" }),
        el("div", {},
          el("div", { class: "chat-title", dir: "auto", text: reader.name }),
          el("div", { class: "chat-sub", text: "private chat with @" + world.botUsername + " · " + reader.language }))),
      messages, start, composer);
    card.refs = { messages: messages, start: start, composer: composer, chat: chat };
    return card;
  }

  function channelCard(channel) {
    const messages = el("div", { class: "messages", role: "log" });
    const badge = el("span", { class: "badge" });
    const who = el("select", { class: "reader-select", "aria-label": "Who adds the bot" });
    const action = el("form", {
      class: "row",
      onsubmit: async (event) => {
        event.preventDefault();
        await act("/sandbox/channels/" + channel.id + "/add-bot", { readerId: Number(who.value) });
      },
    }, el("label", { class: "inline", text: "Add the bot as admin, as" }), who, el("button", { type: "submit", text: "Add bot" }));
    const note = el("div", { class: "channel-note" });
    const owner = world.readers.find((r) => r.id === channel.ownerId);
    const card = el("section", { class: "chat channel", "data-chat-id": channel.id, "data-title": channel.title },
      el("header", { class: "chat-head" },
        el("span", { class: "avatar", text: Array.from(channel.title)[0] || "#" }),
        el("div", {},
          el("div", { class: "chat-title", dir: "auto", text: channel.title }),
          el("div", { class: "chat-sub", text: "channel · @" + channel.username + " · created by " + (owner ? owner.name : "?") })),
        badge),
      messages,
      el("div", { class: "channel-foot" }, action, note));
    card.refs = { messages: messages, badge: badge, action: action, who: who, note: note, chat: chatOf(channel.id) };
    return card;
  }

  function updateCard(card, id) {
    const chat = chatOf(id);
    card.refs.chat = chat;
    const entries = transcripts.get(id) || [];
    if (chat.kind === "reader") {
      card.refs.start.hidden = entries.length > 0;
      card.refs.composer.hidden = entries.length === 0;
      if (entries.length === 0 && !card.querySelector(".chat-hint")) {
        card.refs.messages.append(el("p", { class: "chat-hint", text: "What can this bot do? It sends you the news of the categories you choose. Press START." }));
      }
    } else {
      const admin = chat.channel.botIsAdmin;
      card.refs.badge.textContent = admin ? "bot: admin" : "bot: not added";
      card.refs.badge.classList.toggle("on", admin);
      card.refs.action.hidden = admin;
      card.refs.note.textContent = admin
        ? "Link categories with the picker in the admin's chat, or /link @" + chat.channel.username + " world. Posts appear here."
        : "Only the channel's administrators can add the bot.";
      if (entries.length === 0 && !card.querySelector(".chat-hint")) {
        card.refs.messages.append(el("p", { class: "chat-hint", text: "No posts yet." }));
      }
    }
  }

  function renderWorld(next) {
    world = next;
    document.getElementById("limits").checked = world.limits;
    // Reader pickers keep their choice.
    for (const select of document.querySelectorAll(".reader-select")) {
      const chosen = select.value;
      select.replaceChildren(...world.readers.map((r) => el("option", { value: r.id, text: r.name })));
      if (chosen && world.readers.some((r) => String(r.id) === chosen)) select.value = chosen;
    }
    const box = document.getElementById("publish-categories");
    if (box.childElementCount !== world.categories.length) {
      box.replaceChildren(...world.categories.map((c) =>
        el("label", {}, el("input", { type: "checkbox", name: "category", value: c.slug }), c.title)));
    }
    const chats = document.getElementById("chats");
    const ids = world.readers.map((r) => r.id).concat(world.channels.map((c) => c.id));
    for (const id of ids) {
      let card = cards.get(id);
      if (!card) {
        const reader = world.readers.find((r) => r.id === id);
        card = reader ? readerCard(reader) : channelCard(world.channels.find((c) => c.id === id));
        cards.set(id, card);
        chats.append(card);
        for (const entry of transcripts.get(id) || []) placeEntry(card, entry);
        if (!reader) {
          const who = card.refs.who;
          who.replaceChildren(...world.readers.map((r) => el("option", { value: r.id, text: r.name })));
          who.value = String(world.channels.find((c) => c.id === id).ownerId);
        }
      }
      updateCard(card, id);
    }
    document.getElementById("chats-empty").hidden = ids.length > 0;
  }

  function placeEntry(card, entry) {
    const list = card.refs.messages;
    const hint = list.querySelector(".chat-hint");
    if (hint) hint.remove();
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    const node = messageNode(card.refs.chat, entry);
    const old = list.querySelector('[data-key="' + entry.key + '"]');
    if (old) old.replaceWith(node);
    else list.append(node);
    if (nearBottom || !old) list.scrollTop = list.scrollHeight;
  }

  function addEntry(chatId, entry) {
    const entries = transcripts.get(chatId) || [];
    const at = entries.findIndex((e) => e.key === entry.key);
    if (at >= 0) entries[at] = entry; else entries.push(entry);
    transcripts.set(chatId, entries);
    const card = cards.get(chatId);
    if (card) { placeEntry(card, entry); updateCard(card, chatId); }
  }

  function toast(chatId, text) {
    const card = cards.get(chatId);
    if (!card) return;
    const note = el("div", { class: "toast", text: text });
    card.append(note);
    setTimeout(() => note.classList.add("gone"), 2500);
    setTimeout(() => note.remove(), 3000);
  }

  // ----- counters and activity ---------------------------------------------------------------
  function renderCounters(c) {
    document.getElementById("c-queued").textContent = c.queued;
    document.getElementById("c-sent").textContent = c.sent;
    document.getElementById("c-limited").textContent = c.limited;
    document.getElementById("c-failed").textContent = c.failed;
  }

  function addActivity(line) {
    const list = document.getElementById("activity");
    list.prepend(el("li", { class: line.level }, el("time", { text: clockSeconds(line.at) }), el("span", { dir: "auto", text: line.text })));
    while (list.childElementCount > 80) list.lastElementChild.remove();
  }

  // ----- the stream --------------------------------------------------------------------------
  const live = document.getElementById("live");
  const events = new EventSource("/sandbox/events");
  events.addEventListener("snapshot", (e) => {
    const data = JSON.parse(e.data);
    transcripts.clear();
    for (const card of cards.values()) card.remove();
    cards.clear();
    for (const [chatId, entries] of Object.entries(data.transcripts)) transcripts.set(Number(chatId), entries.slice());
    renderWorld(data.world);
    renderCounters(data.counters);
    document.getElementById("activity").replaceChildren();
    for (const line of data.activity) addActivity(line);
    live.textContent = "live";
    live.classList.add("on");
    document.body.dataset.live = "true";
  });
  events.addEventListener("world", (e) => renderWorld(JSON.parse(e.data).world));
  events.addEventListener("entry", (e) => { const d = JSON.parse(e.data); addEntry(d.chatId, d.entry); });
  events.addEventListener("toast", (e) => { const d = JSON.parse(e.data); toast(d.chatId, d.text); });
  events.addEventListener("activity", (e) => addActivity(JSON.parse(e.data).line));
  events.addEventListener("counters", (e) => renderCounters(JSON.parse(e.data).counters));
  events.addEventListener("error", () => {
    live.textContent = "reconnecting…";
    live.classList.remove("on");
    document.body.dataset.live = "false";
  });

  // ----- forms -------------------------------------------------------------------------------
  document.getElementById("limits").addEventListener("change", (e) => act("/sandbox/limits", { enabled: e.target.checked }));

  document.getElementById("reader-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = field(event.target, "name");
    const answer = await act("/sandbox/readers", { name: name.value, language: field(event.target, "language").value });
    if (answer.ok) name.value = "";
  });

  document.getElementById("channel-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const title = field(event.target, "title"), username = field(event.target, "username"), owner = field(event.target, "owner");
    if (!owner.value) { flash("Add a reader first: a channel needs a creator."); return; }
    const body = { title: title.value, ownerId: Number(owner.value) };
    if (username.value.trim() !== "") body.username = username.value.trim();
    const answer = await act("/sandbox/channels", body);
    if (answer.ok) { title.value = ""; username.value = ""; }
  });

  const publishForm = document.getElementById("publish-form");
  const input = (name) => field(publishForm, name);
  function fill(sample) {
    input("title").value = sample.title || "";
    input("summary").value = sample.summary || "";
    input("url").value = sample.url || "";
    // A sample's picture may be the sandbox's own (a path): no network needed to see a photo.
    input("imageUrl").value = sample.imageUrl ? new URL(sample.imageUrl, location.href).href : "";
    input("language").value = sample.language || "";
    input("breaking").checked = sample.priority === "breaking";
    for (const box of publishForm.querySelectorAll("input[name=category]")) box.checked = (sample.categories || []).includes(box.value);
  }
  document.getElementById("load-feeds").addEventListener("click", async () => {
    const list = document.getElementById("feed-items");
    list.textContent = "Fetching…";
    const response = await fetch("/sandbox/feeds");
    const { feeds } = await response.json();
    list.textContent = "";
    if (feeds.length === 0) {
      const li = document.createElement("li");
      li.textContent = "No feeds in the categories file (add \"feeds\": [\"https://…\"] to a category).";
      list.append(li);
    }
    for (const feed of feeds) {
      const head = document.createElement("li");
      head.className = "feed-head";
      head.textContent = feed.category + " · " + feed.url + (feed.error ? " — " + feed.error : "");
      list.append(head);
      for (const item of feed.items) {
        const li = document.createElement("li");
        const use = document.createElement("button");
        use.type = "button";
        use.textContent = "Use";
        use.addEventListener("click", () => fill(item));
        const title = document.createElement("span");
        title.dir = "auto";
        title.textContent = " " + item.title;
        li.append(use, title);
        list.append(li);
      }
    }
  });
  document.getElementById("sample-en").addEventListener("click", () => fill(samples.en));
  document.getElementById("sample-fa").addEventListener("click", () => fill(samples.fa));

  publishForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const article = {
      title: input("title").value,
      url: input("url").value.trim(),
      categories: Array.from(publishForm.querySelectorAll("input[name=category]:checked")).map((b) => b.value),
    };
    if (input("summary").value.trim() !== "") article.summary = input("summary").value;
    if (input("imageUrl").value.trim() !== "") article.imageUrl = input("imageUrl").value.trim();
    if (input("language").value.trim() !== "") article.language = input("language").value.trim();
    if (input("breaking").checked) article.priority = "breaking";
    const result = document.getElementById("publish-result");
    const answer = await api("/sandbox/publish", article);
    result.className = "result " + (answer.status === 202 ? "good" : answer.status === 200 ? "" : "bad");
    if (answer.status === 202) result.textContent = "Accepted as " + answer.body.id + ": on its way to the subscribers.";
    else if (answer.status === 200) result.textContent = "Published before (same id or URL), so nobody gets it twice. Change its URL to send it again.";
    else if (answer.body.issues) result.textContent = answer.body.issues.map((i) => i.path + ": " + i.message).join("; ");
    else result.textContent = answer.body.error || ("error " + answer.status);
  });
})();
`;
