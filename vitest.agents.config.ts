import { defineConfig } from "vitest/config"

// npm run test:agents: the real Claude Code, Codex, Gemini CLI, Qwen Code, Copilot CLI and OpenCode, installed into a
// cache outside the project by the global setup, driven against loopback stand-ins. Kept out of `npm test`: it needs the clients (100–400 MB each).
export default defineConfig({
  test: {
    include: ["test/agents/**/*.test.ts"],
    globalSetup: ["test/agents/installClients.ts"],
    // A test runs one or two client turns of at most clientRunSeconds each.
    testTimeout: 150_000,
    hookTimeout: 30_000,
    pool: "forks",
    // The clients are heavy and the machine small: one test at a time.
    fileParallelism: false
  }
})
