import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests that start servers, git remotes and a browser are heavy; two cores, so at most two at a time.
    maxWorkers: 2,
    reporters: ["default", "./test/support/closing-line-reporter.ts"],
  },
});
