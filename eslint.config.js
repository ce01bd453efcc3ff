import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

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
  {
    // The sandbox page's script runs in a browser (type-checked by src/sandbox/page/tsconfig.json).
    files: ["src/sandbox/page/**/*.js"],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ["tests/**", "bench/**", "eslint.config.js", "vitest.config.ts"],
    rules: { "no-console": "off", "@typescript-eslint/no-unsafe-assignment": "off", "@typescript-eslint/no-unsafe-member-access": "off" },
  },
);
