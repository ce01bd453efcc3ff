import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * Bulletin's layers, lowest first (the README's "Development" map): a module of src/ may import
 * from its own layer and the layers below, never from a higher one, so `npm run lint` fails on an
 * upward import. A name ending in "/" is a folder of src/, any other a file at src/'s top.
 */
const LAYERS = [
  { name: "foundation", members: ["ids", "log", "time", "config/", "telegram/", "platforms/"] },
  { name: "storage", members: ["redis", "queues", "store/", "i18n/"] },
  {
    name: "domain",
    members: ["ingest/", "format/", "preferences/", "delivery/", "channels/", "subscriptions/", "feeds/", "ops/", "sharing/"],
  },
  { name: "interfaces", members: ["bot/", "http/", "cli/", "sandbox/"] },
  { name: "app", members: ["app/"] },
  { name: "entry point", members: ["main"] },
];

const filesOf = (member) => (member.endsWith("/") ? `src/${member}**` : `src/${member}.ts`);
/** A relative import of the member: `../../delivery/…`, `./store/…` (from src/'s top), `../queues.js`. */
const importOf = (member) => `^(\\./|(\\.\\./)+)${member.endsWith("/") ? member : `${member}\\.js$`}`;

const layerRules = LAYERS.slice(0, -1).map((layer, index) => {
  const higher = LAYERS.slice(index + 1);
  return {
    files: layer.members.map(filesOf),
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: higher.flatMap((above) =>
            above.members.map((member) => ({
              regex: importOf(member),
              message: `the ${layer.name} layer may not import from the ${above.name} layer (${filesOf(member)}): see LAYERS in eslint.config.js`,
            })),
          ),
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "bench/results.json", "eslint.config.js", "src/cli/bin.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "no-console": ["error"],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  ...layerRules,
  {
    // The sandbox page's script runs in a browser (type-checked by src/sandbox/page/tsconfig.json).
    files: ["src/sandbox/page/**/*.js"],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ["tests/**", "packages/*/tests/**", "bench/**", "eslint.config.js", "vitest.config.ts"],
    rules: { "no-console": "off", "@typescript-eslint/no-unsafe-assignment": "off", "@typescript-eslint/no-unsafe-member-access": "off" },
  },
);
