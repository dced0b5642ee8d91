// A fake OpenAI-compatible chat completions server on 127.0.0.1, for OpenCode's
// "@ai-sdk/openai-compatible" provider. It is scripted by the prompt: a user message
// "run: <command>" is answered with a streamed bash tool call running <command>; once the
// tool's result (or its refusal) comes back, it answers with plain text. Anything else
// (titles, summaries) gets a short text answer. It never reaches the network.
import http from "node:http";

function lastUserText(messages) {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role === "user") {
      if (typeof m.content === "string") return m.content;
      if (Array.isArray(m.content)) return m.content.filter((p) => p.type === "text").map((p) => p.text).join("\n");
    }
  }
  return "";
}

function chunk(id, delta, finish) {
  return `data: ${JSON.stringify({
    id, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: "fake-model",
    choices: [{ index: 0, delta, finish_reason: finish ?? null }],
    ...(finish ? { usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } } : {}),
  })}\n\n`;
}

export function answerFor(body) {
  const messages = body.messages ?? [];
  const last = messages[messages.length - 1] ?? {};
  const wantsTools = Array.isArray(body.tools) && body.tools.some((t) => t.function?.name === "bash");
  const match = /run: (.+)/.exec(lastUserText(messages));
  if (wantsTools && match && last.role === "user") {
    return { toolCall: { name: "bash", arguments: JSON.stringify({ command: match[1].trim(), description: "Run the scripted command" }) } };
  }
  if (last.role === "tool") {
    return { text: "The command finished." };
  }
  return { text: "Fake title" };
}

export function startFakeModel(port = 0) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      let body = {};
      try { body = JSON.parse(raw || "{}"); } catch { /* answered below */ }
      requests.push({ url: req.url, body });
      if (!req.url.endsWith("/chat/completions")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "only /v1/chat/completions" } }));
        return;
      }
      const answer = answerFor(body);
      const id = "chatcmpl-" + requests.length;
      if (body.stream === false) {
        const message = answer.toolCall
          ? { role: "assistant", content: null, tool_calls: [{ id: "call_" + requests.length, type: "function", function: answer.toolCall }] }
          : { role: "assistant", content: answer.text };
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ id, object: "chat.completion", created: 0, model: "fake-model",
          choices: [{ index: 0, message, finish_reason: answer.toolCall ? "tool_calls" : "stop" }],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } }));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      if (answer.toolCall) {
        res.write(chunk(id, { role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_" + requests.length, type: "function",
          function: { name: answer.toolCall.name, arguments: answer.toolCall.arguments } }] }));
        res.write(chunk(id, {}, "tool_calls"));
      } else {
        res.write(chunk(id, { role: "assistant", content: answer.text }));
        res.write(chunk(id, {}, "stop"));
      }
      res.end("data: [DONE]\n\n");
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve({ server, requests, port: server.address().port,
      close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }) }));
  });
}

export function providerConfig(port) {
  return {
    $schema: "https://opencode.ai/config.json",
    model: "fake/fake-model",
    small_model: "fake/fake-model",
    autoupdate: false,
    share: "disabled",
    provider: {
      fake: {
        npm: "@ai-sdk/openai-compatible",
        name: "Fake model (tests)",
        options: { baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "not-a-secret" },
        models: { "fake-model": { name: "Fake model", tool_call: true, limit: { context: 100000, output: 4096 } } },
      },
    },
  };
}
