import { configDefaults, defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The real clients run in npm run test:agents (vitest.agents.config.ts).
    exclude: [...configDefaults.exclude, "test/agents/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks"
  }
})
