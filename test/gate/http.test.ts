import { describe, expect, it } from "@effect/vitest"
import { parseAnswer } from "../../src/gate/gate.js"

// The gate's HTTP/1.1 reader: the openusage daemon (Go net/http) sends small answers with Content-Length and larger
// ones chunked; anything else, or an answer not yet whole, leaves the gate unsure (it then hands over).

const answer = (head: string, body: string) => Buffer.from(`${head}\r\n\r\n${body}`)

describe("the gate's HTTP answer reader", () => {
  it("reads a Content-Length body once it is whole", () => {
    const body = JSON.stringify({ snapshots: { "claude-code": { provider_id: "claude_code" } }, note: "é" })
    const whole = answer(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}`, body)
    expect(parseAnswer(whole)).toEqual({ status: 200, body })
    expect(parseAnswer(whole.subarray(0, whole.length - 1))).toBeUndefined()
  })

  it("de-chunks a chunked body, only once its last chunk has come", () => {
    const chunked = answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked", "5\r\n{\"a\":\r\n3\r\n12}\r\n0\r\n\r\n")
    expect(parseAnswer(chunked)).toEqual({ status: 200, body: "{\"a\":12}" })
    expect(parseAnswer(chunked.subarray(0, chunked.length - 7))).toBeUndefined()
  })

  it("refuses what it cannot read plainly", () => {
    for (const bytes of [
      answer("HTTP/1.1 200 OK", "{}"), // neither length nor chunks: the end of the body is unknown
      answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2", "{}"),
      answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip", "{}"),
      answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked", "zz\r\n{}\r\n0\r\n\r\n"),
      answer("SSH-2.0-OpenSSH", ""),
      Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n")
    ]) expect(parseAnswer(bytes)).toBeUndefined()
  })

  it("keeps the status for the caller to judge", () => {
    expect(parseAnswer(answer("HTTP/1.1 404 Not Found\r\nContent-Length: 9", "not found"))).toEqual({ status: 404, body: "not found" })
  })
})
