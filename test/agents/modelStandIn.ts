import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

// The model APIs of Claude Code (Anthropic Messages), Codex (OpenAI Responses), Gemini CLI (Gemini generateContent)
// and Qwen Code, Copilot CLI and OpenCode (OpenAI chat completions), answered on 127.0.0.1 so that the real clients run
// whole turns with no network. Every answer is a short "ok"; every request is recorded so that tests can read what
// reached the model.

export interface ModelRequest {
  readonly method: string
  readonly path: string
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  readonly json: unknown
}

export interface ModelStandIn {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly baseUrl: string
  /** Every request received so far, in order. */
  readonly requests: ReadonlyArray<ModelRequest>
  readonly close: () => Promise<void>
}

const answerText = "ok"
// A client stuck in a retry loop must not fill the memory, nor a forgotten stand-in outlive its test for long.
const maxBodyBytes = 32 * 1024 * 1024
const maxRecordedRequests = 1_000
const lifetimeMs = 10 * 60_000

const sendJson = (response: ServerResponse, status: number, payload: unknown) => {
  const body = JSON.stringify(payload)
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) })
  response.end(body)
}

/**
 * Server-sent events: `event:` lines only where the API names its events (Anthropic, OpenAI Responses; not Gemini nor
 * chat completions), then the API's own end-of-stream data line if it has one (chat completions: `[DONE]`).
 */
const sendEvents = (
  response: ServerResponse,
  events: ReadonlyArray<{ readonly event?: string; readonly data: unknown }>,
  endOfStream?: string
) => {
  response.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" })
  for (const { event, data } of events) {
    response.write(`${event === undefined ? "" : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`)
  }
  if (endOfStream !== undefined) response.write(`data: ${endOfStream}\n\n`)
  response.end()
}

const anthropicMessage = (model: unknown) => ({
  id: "msg_standin",
  type: "message",
  role: "assistant",
  model: typeof model === "string" ? model : "claude-standin",
  content: [] as Array<unknown>,
  stop_reason: null as string | null,
  stop_sequence: null,
  usage: { input_tokens: 1, output_tokens: 1 }
})

const answerAnthropic = (request: Record<string, unknown>, response: ServerResponse) => {
  const message = anthropicMessage(request["model"])
  if (request["stream"] !== true) {
    return sendJson(response, 200, { ...message, content: [{ type: "text", text: answerText }], stop_reason: "end_turn" })
  }
  sendEvents(response, [
    { event: "message_start", data: { type: "message_start", message } },
    { event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } },
    { event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: answerText } } },
    { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
    {
      event: "message_delta",
      data: { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 1 } }
    },
    { event: "message_stop", data: { type: "message_stop" } }
  ])
}

const answerOpenAiResponses = (request: Record<string, unknown>, response: ServerResponse) => {
  const item = { type: "message", id: "msg_standin", role: "assistant", status: "completed", content: [{ type: "output_text", text: answerText, annotations: [] }] }
  const base = { id: "resp_standin", object: "response", created_at: Math.floor(Date.now() / 1000), model: request["model"] ?? "standin" }
  sendEvents(response, [
    { event: "response.created", data: { type: "response.created", response: { ...base, status: "in_progress", output: [] } } },
    { event: "response.output_item.added", data: { type: "response.output_item.added", output_index: 0, item: { ...item, status: "in_progress", content: [] } } },
    {
      event: "response.output_text.delta",
      data: { type: "response.output_text.delta", item_id: item.id, output_index: 0, content_index: 0, delta: answerText }
    },
    { event: "response.output_item.done", data: { type: "response.output_item.done", output_index: 0, item } },
    {
      event: "response.completed",
      data: {
        type: "response.completed",
        response: {
          ...base,
          status: "completed",
          output: [item],
          usage: {
            input_tokens: 1,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: 1,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: 2
          }
        }
      }
    }
  ])
}

const answerOpenAiChatCompletions = (request: Record<string, unknown>, response: ServerResponse) => {
  const base = { id: "chatcmpl-standin", created: Math.floor(Date.now() / 1000), model: request["model"] ?? "standin" }
  const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }
  if (request["stream"] !== true) {
    return sendJson(response, 200, {
      ...base,
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: answerText }, finish_reason: "stop" }],
      usage
    })
  }
  const chunk = (choices: ReadonlyArray<unknown>, extra: Record<string, unknown> = {}) => ({
    data: { ...base, object: "chat.completion.chunk", choices, ...extra }
  })
  sendEvents(response, [
    chunk([{ index: 0, delta: { role: "assistant", content: answerText }, finish_reason: null }]),
    chunk([{ index: 0, delta: {}, finish_reason: "stop" }]),
    chunk([], { usage })
  ], "[DONE]")
}

/** A value of the JSON schema's shape (the subset Gemini CLI asks for): its first enum value, else a plain one. */
const valueMatching = (schema: unknown): unknown => {
  if (typeof schema !== "object" || schema === null) return answerText
  const { type, properties, items, enum: choices } = schema as Record<string, unknown>
  if (Array.isArray(choices) && choices.length > 0) return choices[0]
  switch (Array.isArray(type) ? type[0] : typeof type === "string" ? type.toLowerCase() : type) {
    case "object":
      return Object.fromEntries(
        Object.entries((properties ?? {}) as Record<string, unknown>).map(([key, property]) => [key, valueMatching(property)])
      )
    case "array":
      return [valueMatching(items)]
    case "integer":
    case "number":
      return 1
    case "boolean":
      return true
    default:
      return answerText
  }
}

const geminiAnswer = (text: string) => ({
  candidates: [{ content: { role: "model", parts: [{ text }] }, finishReason: "STOP", index: 0 }],
  usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 }
})

const answerGemini = (path: string, request: Record<string, unknown>, response: ServerResponse) => {
  if (path.includes(":streamGenerateContent")) return sendEvents(response, [{ data: geminiAnswer(answerText) }])
  // JSON mode (the model router's classifier): without an answer of the asked shape the CLI retries until it times out.
  const config = (request["generationConfig"] ?? {}) as Record<string, unknown>
  const schema = config["responseJsonSchema"] ?? config["responseSchema"]
  sendJson(response, 200, geminiAnswer(schema === undefined ? answerText : JSON.stringify(valueMatching(schema))))
}

const route = (method: string, path: string, json: unknown, response: ServerResponse) => {
  const request = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {}
  // Claude Code checks that the API is reachable with HEAD /.
  if (method === "HEAD") return response.writeHead(200).end()
  if (method === "POST" && path.startsWith("/v1/messages")) return answerAnthropic(request, response)
  if (method === "POST" && path.startsWith("/v1/responses")) return answerOpenAiResponses(request, response)
  if (method === "POST" && path.startsWith("/v1/chat/completions")) return answerOpenAiChatCompletions(request, response)
  if (method === "POST" && /^\/v1beta\/models\/[^/:]+:(stream)?[gG]enerateContent/.test(path)) {
    return answerGemini(path, request, response)
  }
  sendJson(response, 404, { error: { message: `the model stand-in does not serve ${method} ${path}` } })
}

const readBody = (incoming: IncomingMessage): Promise<string | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    incoming.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBodyBytes) chunks.push(chunk)
    })
    incoming.on("end", () => resolve(size > maxBodyBytes ? undefined : Buffer.concat(chunks).toString("utf8")))
    incoming.on("error", reject)
  })

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Serves the four model APIs on an ephemeral loopback port until close(), or for ten minutes at most. */
export const startModelStandIn = async (): Promise<ModelStandIn> => {
  const requests: Array<ModelRequest> = []
  const server = createServer((incoming, response) => {
    const method = incoming.method ?? ""
    const path = incoming.url ?? ""
    readBody(incoming).then(
      (body) => {
        if (body === undefined) return sendJson(response, 413, { error: { message: "request body too large" } })
        const json = parseJson(body)
        if (requests.length < maxRecordedRequests) requests.push({ method, path, json })
        route(method, path, json, response)
      },
      () => response.destroy()
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve())
  })
  const { port } = server.address() as AddressInfo

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(selfClose)
      server.closeAllConnections()
      server.close(() => resolve())
    })
    return closing
  }
  const selfClose = setTimeout(() => void close(), lifetimeMs)
  selfClose.unref()
  return { baseUrl: `http://127.0.0.1:${port}`, requests, close }
}
