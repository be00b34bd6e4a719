import { spawnSync } from "node:child_process"
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { commandGroups } from "../../src/Cli.js"
import type { Bundle } from "../../src/domain/Bundle.js"
import { allCommands } from "../../src/domain/CommandSpec.js"
import { assertCliBuilt, cliPath, makeScratch, run, type RunResult, runCli, type Scratch, useRepo } from "../helpers/repo.js"
import { capture, expectSuccess, expectUsageError, readBundleJson } from "../helpers/store.js"

// Help, usage errors and completions through the built CLI, as a person at a terminal, a pipe and a shell meet them.

const commandNames = allCommands(commandGroups).map((command) => command.name)
const escape = "\u001b"
const version = (JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version: string })
  .version

const hasScript = spawnSync("script", ["--version"]).status === 0
const has = (program: string) => spawnSync(program, ["--version"]).status === 0
const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`

/** handover under a pseudo-terminal (util-linux script), stdout and stderr both the terminal; "\r\n" read as "\n". */
const onTerminal = async (scratch: Scratch, args: ReadonlyArray<string>, env: Record<string, string>): Promise<RunResult> => {
  // exec: script starts $SHELL, and a shell that stayed (dash) would change exit and signal behaviour.
  const command = `exec ${[process.execPath, cliPath, ...args].map(shellQuote).join(" ")}`
  const result = await run("script", ["-qec", command, "/dev/null"], {
    cwd: scratch.base,
    env: { ...scratch.env, TERM: "xterm-256color", ...env }
  })
  return { ...result, stdout: result.stdout.replace(/\r/g, "") }
}

const colourEnvs: ReadonlyArray<readonly [string, Record<string, string>]> = [
  ["no colour variables", {}],
  ["NO_COLOR=1", { NO_COLOR: "1" }],
  ["FORCE_COLOR=1", { FORCE_COLOR: "1" }]
]

const helpInvocations = [[], ["--help"], ["-h"], ["help"], ["pickup", "--help"], ["help", "capture"], ["run", "-h"]]

let scratch: Scratch
beforeAll(async () => {
  assertCliBuilt()
  scratch = await makeScratch()
  return () => scratch.cleanup()
})

describe("help", () => {
  it.each(colourEnvs)("piped, with %s: plain text on stdout, exit 0, nothing on stderr", async (_, env) => {
    for (const args of helpInvocations) {
      const result = await runCli(args, { cwd: scratch.base, env: { ...scratch.env, ...env } })
      expectSuccess(result)
      expect(result.stderr).toBe("")
      expect(result.stdout, args.join(" ")).not.toContain(escape)
      expect(result.stdout).toMatch(/^(handover \S+: |usage: handover )/)
    }
  })

  it.runIf(hasScript).each(colourEnvs)("on a terminal, with %s: the same plain text", async (_, env) => {
    for (const args of [["--help"], ["pickup", "--help"]]) {
      const piped = await runCli(args, { cwd: scratch.base, env: scratch.env })
      const terminal = await onTerminal(scratch, args, env)
      expect(terminal.code).toBe(0)
      expect(terminal.stdout).not.toContain(escape)
      expect(terminal.stdout).toBe(piped.stdout)
    }
  })

  it("handover --help lists every command with its one line, in groups, with how to get more", async () => {
    const result = await runCli(["--help"], { cwd: scratch.base, env: scratch.env })
    const lines = result.stdout.split("\n")
    expect(lines[0]).toBe(`handover ${version}: carries coding work across the usage limits of coding agents: ` +
      "captures the task state into .handover/ and lets the next agent resume from it.")
    expect(lines).toContain("usage: handover <command> [flags]")
    for (const name of commandNames) expect(lines.filter((line) => line.startsWith(`  ${name} `)), name).toHaveLength(1)
    expect(lines.indexOf("Set up:")).toBeLessThan(lines.indexOf("Hooks (the agents run these):"))
    expect(result.stdout).toContain("Run 'handover help <command>'")
    expect((await runCli([], { cwd: scratch.base, env: scratch.env })).stdout).toBe(result.stdout)
  })

  it("a command's help: usage from handover, values named, optional in brackets, repeatable marked, one example", async () => {
    const result = await runCli(["pickup", "--help"], { cwd: scratch.base, env: scratch.env })
    expect(result.stdout).toBe([
      "usage: handover pickup [--target TOOL] [--apply] [--3way] [--index] [--set KEY=VALUE]... [ID]",
      "",
      "claim the pending handover (or ID, or current), make it current and print its summary; --apply applies its patch here",
      "",
      "arguments:",
      "  ID  a bundle id, or current; default: the pending one",
      "",
      "flags:",
      "  --target TOOL    the tool that resumes the work (claude, codex, …)",
      "  --apply          apply the bundle's patch to this working tree, only when it fits (else nothing changes)",
      "  --3way           with --apply: merge the patch as git apply --3way does, leaving conflict markers (updates the index)",
      "  --index          with --apply: update the index too",
      "  --set KEY=VALUE  override a config key for this run, e.g. --set trigger.thresholdPercent=80 (repeatable)",
      "  -h, --help       show this help",
      "",
      "example:",
      "  handover pickup --apply",
      ""
    ].join("\n"))
    const capture = await runCli(["capture", "--help"], { cwd: scratch.base, env: scratch.env })
    expect(capture.stdout).toContain("usage: handover capture --title TEXT [--summary TEXT] [--summary-file FILE]")
    expect(capture.stdout).toContain("  --title TEXT ")
    const sessionStart = await runCli(["session-start", "--help"], { cwd: scratch.base, env: scratch.env })
    expect(sessionStart.stdout).toContain("[--format plain|claude|codex|")
    expect(sessionStart.stdout).toContain("(default: plain)")
  })

  it.each(commandNames)("handover help %s is handover %s --help, word for word", async (name) => {
    const [viaHelp, viaFlag] = await Promise.all([
      runCli(["help", name], { cwd: scratch.base, env: scratch.env }),
      runCli([name, "--help"], { cwd: scratch.base, env: scratch.env })
    ])
    expectSuccess(viaHelp)
    expect(viaHelp.stdout).toBe(viaFlag.stdout)
    expect(viaHelp.stdout).toMatch(new RegExp(`^usage: handover ${name}[ \\n]`))
    expect(viaHelp.stdout).toMatch(/\nexample:\n {2}handover \S/)
    expect(viaHelp.stdout).not.toMatch(/user-defined piece of text|This setting is optional|A true or false value/)
  })

  it("--version prints the version alone", async () => {
    const result = await runCli(["--version"], { cwd: scratch.base, env: scratch.env })
    expectSuccess(result)
    expect(result.stdout).toBe(`${version}\n`)
  })
})

describe("usage errors", () => {
  it("an unknown command names what was typed and the nearest command: exit 2, the usage line, no help page", async () => {
    const lines = expectUsageError(await runCli(["captur"], { cwd: scratch.base, env: scratch.env }))
    expect(lines).toEqual(["handover: unknown command 'captur'; did you mean 'capture'?", "usage: handover <command> [flags]"])
    const far = expectUsageError(await runCli(["frobnicate"], { cwd: scratch.base, env: scratch.env }))
    expect(far[0]).toBe("handover: unknown command 'frobnicate'; see handover help")
    const help = expectUsageError(await runCli(["help", "pikcup"], { cwd: scratch.base, env: scratch.env }))
    expect(help[0]).toBe("handover: unknown command 'pikcup'; did you mean 'pickup'?")
  })

  it("an unknown flag is named, with the command's nearest flag and usage line, and never taken for a bundle id", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "work\n")
    const pending = await capture(repo)
    const status = await repo.git("status", "--porcelain")
    const usage = "usage: handover pickup [--target TOOL] [--apply] [--3way] [--index] [--set KEY=VALUE]... [ID]"
    expect(expectUsageError(await repo.cli(["pickup", "--aply"]))).toEqual([
      "handover: unknown flag '--aply' for pickup; did you mean '--apply'?",
      usage
    ])
    expect(expectUsageError(await repo.cli(["pickup", "--frobnicate"]))).toEqual([
      "handover: unknown flag '--frobnicate' for pickup; see handover pickup --help",
      usage
    ])
    // Nothing was claimed.
    expect((await readBundleJson(repo, pending.id)).claim).toBeNull()
    expect(await repo.git("status", "--porcelain")).toBe(status)
  })

  it("a flag without its value, at the end or before another flag: exit 2 naming it", async () => {
    const usage = "usage: handover capture --title TEXT [--summary TEXT] [--summary-file FILE] [--next-step TEXT]... " +
      "[--source TOOL] [--target TOOL] [--json] [--set KEY=VALUE]..."
    for (const args of [["capture", "--title"], ["capture", "--title", "--json"]]) {
      expect(expectUsageError(await runCli(args, { cwd: scratch.base, env: scratch.env }))).toEqual([
        "handover: capture --title needs a value (TEXT)",
        usage
      ])
    }
    const choice = expectUsageError(await runCli(["inspect", "--patch=x"], { cwd: scratch.base, env: scratch.env }))
    expect(choice[0]).toBe("handover: inspect --patch takes no value")
  })

  it.runIf(hasScript)("on a terminal, with FORCE_COLOR=1, still one plain line and the usage line", async () => {
    const result = await onTerminal(scratch, ["captur"], { FORCE_COLOR: "1" })
    expect(result.code).toBe(2)
    expect(result.stdout).toBe(
      "handover: unknown command 'captur'; did you mean 'capture'?\nusage: handover <command> [flags]\n"
    )
  })

  it("--flag=value works for every flag, repeatable ones included, as --flag value does", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "work\n")
    const result = await repo.cli(["capture", "--json", "--title=Equals", "--next-step=one=1", "--next-step", "two", "--set=capture.secrets=off"])
    expectSuccess(result)
    const bundle = JSON.parse(result.stdout) as Bundle
    expect({ title: bundle.title, nextSteps: bundle.nextSteps, secrets: bundle.secrets.mode })
      .toEqual({ title: "Equals", nextSteps: ["one=1", "two"], secrets: "off" })
  })

  it("run: its own flags are checked, what follows -- never is", async () => {
    const lines = expectUsageError(await runCli(["run", "--clam", "--", "true"], { cwd: scratch.base, env: scratch.env }))
    expect(lines[0]).toBe("handover: unknown flag '--clam' for run; did you mean '--claim'?")
    const child = await runCli(["run", "--", "true", "--frobnicate"], {
      cwd: scratch.base,
      env: scratch.env
    })
    expect(child.code).toBe(0)
  })

  it.each([
    ["on-event", "--tol", "claude"],
    ["session-start", "--formt", "claude"],
    ["session-start", "--format"],
    ["on-event", "--tool"]
  ])("a hook's usage error (%s %s) exits 0 with nothing on stdout: the agent is never broken", async (...args) => {
    const result = await runCli(args, { cwd: scratch.base, env: scratch.env })
    expectUsageError(result, 0)
  })
})

describe("completions", () => {
  const script = async (shell: string): Promise<string> => {
    const result = await runCli(["completions", shell], { cwd: scratch.base, env: scratch.env })
    expectSuccess(result)
    const path = join(scratch.base, `handover.${shell}`)
    await writeFile(path, result.stdout)
    return path
  }

  it("bash -n accepts the bash script", async () => {
    const checked = spawnSync("bash", ["-n", await script("bash")], { encoding: "utf8" })
    expect(checked.stderr).toBe("")
    expect(checked.status).toBe(0)
  })

  it.runIf(has("zsh"))("zsh -n accepts the zsh script", async () => {
    const checked = spawnSync("zsh", ["-n", await script("zsh")], { encoding: "utf8" })
    expect(checked.stderr).toBe("")
    expect(checked.status).toBe(0)
  })

  it.runIf(has("fish"))("fish -n accepts the fish script", async () => {
    const checked = spawnSync("fish", ["-n", await script("fish")], { encoding: "utf8" })
    expect(checked.stderr).toBe("")
    expect(checked.status).toBe(0)
  })

  it("a shell without a script, or none named: a usage error", async () => {
    expectUsageError(await runCli(["completions", "tcsh"], { cwd: scratch.base, env: scratch.env }))
    expectUsageError(await runCli(["completions"], { cwd: scratch.base, env: scratch.env }))
  })

  /** `handover` on PATH, as the scripts call it. */
  const pathWithHandover = async (base: string, env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> => {
    const bin = join(base, "bin")
    await mkdir(bin, { recursive: true })
    await writeFile(join(bin, "handover"), `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(cliPath)} "$@"\n`)
    await chmod(join(bin, "handover"), 0o755)
    return { ...env, PATH: `${bin}:${process.env["PATH"]}` }
  }

  it("bash completes commands, a command's flags, --format values, adapter names and bundle ids", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "work\n")
    const first = await capture(repo, ["--title", "First"])
    await repo.write("a.txt", "more work\n")
    const second = await capture(repo, ["--title", "Second"])
    const path = await script("bash")
    const env = await pathWithHandover(repo.base, repo.env)
    /** COMPREPLY for the words typed so far, the last one being completed. */
    const complete = (...words: ReadonlyArray<string>): Array<string> => {
      const program = [
        `source ${shellQuote(path)}`,
        `COMP_WORDS=(${words.map(shellQuote).join(" ")})`,
        `COMP_CWORD=${words.length - 1}`,
        "_handover",
        `printf '%s\\n' "\${COMPREPLY[@]}"`
      ].join("\n")
      const result = spawnSync("bash", ["-c", program], { cwd: repo.dir, env, encoding: "utf8" })
      expect(result.stderr).toBe("")
      return result.stdout.split("\n").filter((line) => line !== "")
    }
    expect(complete("handover", "pi")).toEqual(["pickup"])
    expect(complete("handover", "pr")).toEqual(["print-config"])
    expect(complete("handover", "pickup", "--a")).toEqual(["--apply"])
    expect(complete("handover", "session-start", "--format", "c")).toEqual(["claude", "codex", "copilot", "cursor"])
    expect(complete("handover", "enable", "--adapter", "ge")).toEqual(["gemini"])
    expect(complete("handover", "pickup", "")).toEqual(["current", second.id, first.id])
    // Newest first by capture time: two ids of the same second differ only in their random suffix.
    expect(complete("handover", "inspect", first.id.slice(0, 10))).toEqual([second.id, first.id].filter((id) =>
      id.startsWith(first.id.slice(0, 10))
    ))
    expect(complete("handover", "help", "cap")).toEqual(["capture"])
    expect(complete("handover", "completions", "z")).toEqual(["zsh"])
    // After --, the words are the child's: handover offers nothing.
    expect(complete("handover", "run", "--", "pi")).toEqual([])
  })

  it("bundle ids outside a repository: nothing, silently", async () => {
    const result = await runCli(["completions", "--bundle-ids"], { cwd: scratch.base, env: scratch.env })
    expectSuccess(result)
    expect(result.stdout).toBe("")
    expect(result.stderr).toBe("")
  })

  it.runIf(has("fish"))("fish completes commands, flags and bundle ids", async (context) => {
    const repo = await useRepo(context, { initial: { "a.txt": "a\n" } })
    await repo.write("a.txt", "work\n")
    const bundle = await capture(repo)
    const path = await script("fish")
    const env = await pathWithHandover(repo.base, repo.env)
    const complete = (line: string): Array<string> => {
      const result = spawnSync("fish", ["--no-config", "-c", `source ${shellQuote(path)}; complete -C ${shellQuote(line)}`], {
        cwd: repo.dir,
        env,
        encoding: "utf8"
      })
      return result.stdout.split("\n").filter((entry) => entry !== "").map((entry) => entry.split("\t")[0]!)
    }
    expect(complete("handover pic")).toEqual(["pickup"])
    expect(complete("handover pickup --ap")).toEqual(["--apply"])
    expect(complete("handover session-start --format cl")).toEqual(["claude"])
    expect(complete("handover inspect ")).toContain(bundle.id)
  })
})
