import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts", "packages/*/tests/**/*.test.ts"],
    // The fault suite (processes killed, Redis restarted) runs apart: npm run test:faults.
    exclude: ["tests/faults/**", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Story tests start bots, workers and fake servers; two cores handle a few files at once.
    maxWorkers: 2,
  },
});
