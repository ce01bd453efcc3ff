import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts", "packages/*/tests/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Story tests start bots, workers and fake servers; two cores handle a few files at once.
    maxWorkers: 2,
  },
});
