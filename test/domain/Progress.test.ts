import { describe, expect, it } from "@effect/vitest"
import {
  drawLine,
  eraseLine,
  formatBytes,
  makePatchFileCounter,
  progressIntervalMillis,
  progressLine,
  redrawDue,
  showsProgress
} from "../../src/domain/Progress.js"

describe("showsProgress", () => {
  it("only on a terminal that can redraw a line, whatever the colour settings say", () => {
    expect(showsProgress({ isTTY: true, env: {} })).toBe(true)
    expect(showsProgress({ isTTY: true, env: { NO_COLOR: "1", TERM: "xterm" } })).toBe(true)
    expect(showsProgress({ isTTY: false, env: { FORCE_COLOR: "1" } })).toBe(false)
    expect(showsProgress({ isTTY: true, env: { TERM: "dumb" } })).toBe(false)
  })
})

describe("the progress line", () => {
  it("says the step, and for the patch its files and bytes", () => {
    expect(progressLine({ step: "checking the patch applies", patch: null }, 80)).toBe("handover: checking the patch applies…")
    expect(progressLine({ step: "writing the patch", patch: { files: 1, bytes: 1 } }, 80)).toBe(
      "handover: writing the patch: 1 file, 1 byte"
    )
    expect(progressLine({ step: "writing the patch", patch: { files: 2000, bytes: 31_876_543 } }, 80)).toBe(
      "handover: writing the patch: 2000 files, 30.4 MiB"
    )
  })

  it("never wraps: cut to the terminal's width with an ellipsis", () => {
    const line = progressLine({ step: "writing the patch", patch: { files: 12, bytes: 4096 } }, 20)
    // One column stays free: a line that fills the last column makes some terminals wrap.
    expect(line).toBe("handover: writing …")
    expect(line).toHaveLength(19)
  })

  it("formats sizes in binary units", () => {
    expect([0, 839, 1024, 1536, 5 * 1024 * 1024, 3 * 1024 ** 3].map(formatBytes)).toEqual([
      "0 bytes",
      "839 bytes",
      "1.0 KiB",
      "1.5 KiB",
      "5.0 MiB",
      "3.0 GiB"
    ])
  })

  it("redraws in place and erases itself", () => {
    expect(drawLine("handover: x")).toBe("\rhandover: x\x1b[K")
    expect(eraseLine).toBe("\r\x1b[K")
  })

  it("is redrawn at most once per interval", () => {
    expect(redrawDue(null, 5)).toBe(true)
    expect(redrawDue(1000, 1000 + progressIntervalMillis - 1)).toBe(false)
    expect(redrawDue(1000, 1000 + progressIntervalMillis)).toBe(true)
  })
})

describe("makePatchFileCounter", () => {
  const patch = [
    "diff --git a/one.txt b/one.txt",
    "index 1111111..2222222 100644",
    "--- a/one.txt",
    "+++ b/one.txt",
    "@@ -1 +1 @@",
    "-diff --git a/not b/not",
    "+ diff --git looks like a header but is content",
    "diff --git a/two.bin b/two.bin",
    "GIT binary patch",
    "literal 5",
    "McmZ?wbmVXZ",
    "",
    "diff --git a/three b/three",
    "new file mode 100644",
    ""
  ].join("\n")
  const bytes = Buffer.from(patch)

  it("counts each file header once, however the stream is cut", () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const counter = makePatchFileCounter()
      counter.push(bytes.subarray(0, cut))
      expect(counter.push(bytes.subarray(cut)), `cut at ${cut}`).toBe(3)
    }
    const byteByByte = makePatchFileCounter()
    let files = 0
    for (const byte of bytes) files = byteByByte.push(Uint8Array.of(byte))
    expect(files).toBe(3)
  })

  it("counts as it goes", () => {
    const counter = makePatchFileCounter()
    expect(counter.push(bytes.subarray(0, bytes.indexOf("diff --git a/two")))).toBe(1)
    expect(counter.push(bytes.subarray(bytes.indexOf("diff --git a/two")))).toBe(3)
  })
})
