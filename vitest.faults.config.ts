import { defineConfig } from "vitest/config";

// npm run test:faults: processes killed, Redis restarted, Telegram failing. Slow on purpose (minutes),
// so apart from `npm test`; files run one at a time, so each scenario has the machine's two cores.
export default defineConfig({
  test: {
    include: ["tests/faults/**/*.test.ts"],
    globalSetup: ["tests/faults/support/report.ts"],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
