import { fileURLToPath } from "node:url";

/** Debian's Chromium, driven by playwright-core (CI installs it; browser tests skip without it). */
export const CHROMIUM = "/usr/bin/chromium";

/** As this machine needs them: no sandbox as root, and nothing that reaches for the network. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Screenshots and other things a test run leaves to look at (gitignored). */
export const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));
