import { readFileSync, readdirSync } from "node:fs";
import { extname } from "node:path";
import type { SampleArticle } from "./samples.js";

/**
 * The /sandbox page, from the files of src/sandbox/page/: page.html, its stylesheets, its script
 * (browser modules, checked by `npm run typecheck` and `npm run lint`) and its icon, served as they
 * are: no framework and no build step. The server puts two things in the document, each answer's CSP
 * nonce and the sample articles; everything else comes over /sandbox/events and the JSON endpoints
 * of routes.ts.
 */

export interface PageOptions {
  /** The CSP nonce of this answer's stylesheet and script. */
  readonly nonce: string;
  readonly samples: { readonly en: SampleArticle; readonly fa: SampleArticle };
}

/** A file of the page that the browser loads by itself: the stylesheets, the script's modules, the icon. */
export interface PageAsset {
  readonly path: string;
  readonly contentType: string;
  readonly body: string;
}

export interface SandboxPage {
  /** The document of one answer. */
  render(options: PageOptions): string;
  /** Each at /sandbox/page/<its file name>, where page.html and the modules' imports find it. */
  readonly assets: readonly PageAsset[];
  /** The icon, one of the assets. */
  readonly favicon: PageAsset;
}

const PAGE_DIR = new URL("./page/", import.meta.url);
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml; charset=utf-8",
};

/** The page's icon: page.html links it, and routes.ts answers /favicon.ico with it. */
export const FAVICON_PATH = "/sandbox/page/favicon.svg";
const NONCE = "{{nonce}}";
const SAMPLES = "{{samples}}";

/** JSON that is safe inside a <script> element: no "</script>", no "<!--". */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Reads the page's files, once: at start, not for every answer. */
export function loadSandboxPage(): SandboxPage {
  const read = (name: string) => readFileSync(new URL(name, PAGE_DIR), "utf8");
  const template = read("page.html");
  for (const placeholder of [NONCE, SAMPLES]) {
    if (!template.includes(placeholder)) throw new Error(`src/sandbox/page/page.html lacks ${placeholder}`);
  }
  const assets = readdirSync(PAGE_DIR).flatMap((name) => {
    const contentType = CONTENT_TYPES[extname(name)];
    return contentType === undefined ? [] : [{ path: `/sandbox/page/${name}`, contentType, body: read(name) }];
  });
  const favicon = assets.find((asset) => asset.path === FAVICON_PATH);
  if (!favicon) throw new Error(`src/sandbox/page/ lacks ${FAVICON_PATH.slice("/sandbox/page/".length)}`);
  return {
    assets,
    favicon,
    render(options) {
      const nonce = options.nonce.replace(/[^A-Za-z0-9+/=]/g, "");
      // The nonce first: a sample that reads "{{nonce}}" stays as it is.
      return template.replaceAll(NONCE, () => nonce).replace(SAMPLES, () => scriptJson(options.samples));
    },
  };
}
