// The real OpenCode SDK (v2) against the real OpenWork Host, over its TLS listener with a paired
// device's credential. Started by OpenCodeSdkProcessIT (itests/host-itests), which starts the host
// distribution on 127.0.0.1, pairs two devices and hands over (environment):
//   OPENWORK_HOST_URL     https://127.0.0.1:<lan port>
//   OPENWORK_CREDENTIAL   the first device's credential; OPENWORK_OTHER_CREDENTIAL the second's
//   OPENWORK_SPKI_SHA256  the host key pin from pairing (hex SHA-256 of the SubjectPublicKeyInfo)
//   NODE_EXTRA_CA_CERTS   the host's certificate, which the test also checks against the pin
//   OPENWORK_WORKSPACE    a directory for the sessions
//   FAKE_MODEL_PORT       where the fake OpenAI-compatible model must listen (the host's OpenCode
//                         config points there)
//   OPENWORK_ADMIN_URL    the host's loopback API, and OPENWORK_ADMIN_TOKEN the local admin's
//                         credential, to read the permission gate's audit log
// The host's command rules deny "rm *" (set by OpenCodeSdkProcessIT), so a host policy decides first.
// Only the base URL, the credential and the CA differ from a client of OpenCode itself.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import tls from "node:tls";
import { createOpencodeClient } from "@opencode-ai/sdk/v2";
import { startFakeModel } from "../fake-model.mjs";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through OpenCodeSdkProcessIT (mvn verify -pl itests/host-itests)`);
  return value;
};

const hostUrl = env("OPENWORK_HOST_URL");
const baseUrl = hostUrl + "/opencode";
const credential = env("OPENWORK_CREDENTIAL");
const otherCredential = env("OPENWORK_OTHER_CREDENTIAL");
const pin = env("OPENWORK_SPKI_SHA256");
const workspace = env("OPENWORK_WORKSPACE");
const fakeModelPort = Number(env("FAKE_MODEL_PORT"));
const adminUrl = env("OPENWORK_ADMIN_URL");
const adminToken = env("OPENWORK_ADMIN_TOKEN");

const bearer = (c) => ({ Authorization: `Bearer ${c}` });
const client = createOpencodeClient({ baseUrl, directory: workspace, headers: bearer(credential) });
const other = createOpencodeClient({ baseUrl, directory: workspace, headers: bearer(otherCredential) });

let model;
const events = [];
const otherEvents = [];
const streams = [];

async function collect(sdk, into) {
  const controller = new AbortController();
  const { stream } = await sdk.event.subscribe({}, { signal: controller.signal });
  streams.push(controller);
  (async () => {
    try {
      for await (const event of stream) into.push(event);
    } catch {
      // closed at the end
    }
  })();
}

async function waitFor(what, check, seconds = 60) {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const found = await check();
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

const eventFor = (type, sessionID, extra = () => true, from = 0) =>
  waitFor(`${type} of ${sessionID}`, () => events.slice(from).find((e) => e.type === type
    && (e.properties?.sessionID ?? e.properties?.info?.id ?? e.properties?.part?.sessionID) === sessionID && extra(e)));

async function hostApi(route) {
  const response = await fetch(hostUrl + route, { headers: bearer(credential) });
  const text = await response.text();
  assert.equal(response.status, 200, `${route}: ${text}`);
  return JSON.parse(text);
}

async function audit(taskId) {
  const response = await fetch(`${adminUrl}/v1/audit?task=${taskId}&limit=1000`, { headers: bearer(adminToken) });
  assert.equal(response.status, 200);
  return (await response.json()).entries;
}

// the gate's questions for the first device, from the host's own API
const hostQuestions = async () => hostApi("/v1/permissions");

async function taskLog(sessionID) {
  const tasks = await hostApi("/v1/tasks?runtime=opencode&limit=100");
  const lines = [];
  for (const task of tasks) {
    const log = await hostApi(`/v1/tasks/${task.id}/log?limit=10000`);
    if (log.events.some((e) => (e.text ?? "").includes(sessionID))) {
      lines.push({ task, events: log.events });
    }
  }
  return lines;
}

before(async () => {
  model = await startFakeModel(fakeModelPort);
  await collect(client, events);
  await collect(other, otherEvents);
});

after(async () => {
  streams.forEach((c) => c.abort());
  await model?.close();
});

test("the host's TLS key is the key pinned at pairing", async () => {
  const url = new URL(hostUrl);
  const raw = await new Promise((resolve, reject) => {
    const socket = tls.connect({ host: url.hostname, port: Number(url.port), servername: undefined, rejectUnauthorized: true }, () => {
      resolve(socket.getPeerCertificate(true).raw);
      socket.end();
    });
    socket.on("error", reject);
  });
  const spki = new crypto.X509Certificate(raw).publicKey.export({ type: "spki", format: "der" });
  assert.equal(crypto.createHash("sha256").update(spki).digest("hex"), pin);
});

test("health answers through the host, with Bearer and with Basic (any user, the credential as password)", async () => {
  const health = await client.global.health();
  assert.equal(health.response.status, 200);
  assert.equal(health.data.healthy, true);
  const basic = createOpencodeClient({ baseUrl, directory: workspace,
    headers: { Authorization: "Basic " + Buffer.from("anyone:" + credential).toString("base64") } });
  const viaBasic = await basic.session.list();
  assert.equal(viaBasic.response.status, 200);
  assert.ok(Array.isArray(viaBasic.data));
});

test("no credential, a wrong one, and a wrong Basic password are refused with a typed error", async () => {
  for (const headers of [{}, bearer("owd_not-a-credential"), { Authorization: "Basic " + Buffer.from("opencode:wrong").toString("base64") }]) {
    const refused = createOpencodeClient({ baseUrl, directory: workspace, headers });
    const answer = await refused.session.list();
    assert.equal(answer.response.status, 401);
    assert.equal(answer.error.code, "unauthenticated");
  }
});

let sessionID;

test("sessions: create, list, get; another device sees none of them", async () => {
  const created = await client.session.create({ title: "sdk test" });
  assert.equal(created.response.status, 200, JSON.stringify(created.error));
  sessionID = created.data.id;
  assert.equal(created.data.directory, fs.realpathSync(workspace));
  const listed = await client.session.list();
  assert.ok(listed.data.some((s) => s.id === sessionID));
  const got = await client.session.get({ sessionID });
  assert.equal(got.data.title, "sdk test");

  const otherList = await other.session.list();
  assert.equal(otherList.response.status, 200);
  assert.ok(!otherList.data.some((s) => s.id === sessionID), "another device must not see this session");
  const otherGet = await other.session.get({ sessionID });
  assert.equal(otherGet.response.status, 404);
  assert.equal(otherGet.error.code, "not_found");
});

test("shell: the command runs as a host task, its tool part completes and the session goes idle", async () => {
  const from = events.length;
  const shell = await client.session.shell({ sessionID, agent: "build", command: "echo hello-from-the-sdk" });
  assert.equal(shell.response.status, 200, JSON.stringify(shell.error));
  const tool = shell.data.parts.find((p) => p.type === "tool");
  assert.equal(tool.state.status, "completed");
  assert.match(tool.state.output, /hello-from-the-sdk/);
  await eventFor("message.part.updated", sessionID, (e) => e.properties.part.type === "tool"
    && e.properties.part.state.status === "completed", from);
  await eventFor("session.idle", sessionID, () => true, from);
  assert.ok(!otherEvents.some((e) => JSON.stringify(e).includes(sessionID)), "another device's stream must not carry this session");

  const logs = await taskLog(sessionID);
  const texts = logs.flatMap((l) => l.events.map((e) => `${e.type}|${e.text ?? ""}`));
  assert.ok(texts.includes("tool|bash: echo hello-from-the-sdk"), texts.join("\n"));
  assert.ok(texts.includes("output|hello-from-the-sdk"), texts.join("\n"));
  assert.ok(logs.some((l) => l.task.state === "succeeded"));
});

test("messages: the session's messages are listed", async () => {
  const messages = await client.session.messages({ sessionID });
  assert.equal(messages.response.status, 200);
  assert.ok(messages.data.length >= 2);
  assert.ok(messages.data.some((m) => m.info.role === "assistant"));
});

async function promptUntilAsked(command) {
  const from = events.length;
  const sent = await client.session.promptAsync({ sessionID, parts: [{ type: "text", text: `run: ${command}` }] });
  assert.equal(sent.response.status, 204, JSON.stringify(sent.error));
  const asked = await eventFor("permission.asked", sessionID, (e) => e.properties.metadata?.command === command, from);
  return { asked: asked.properties, from };
}

test("a prompt's bash call asks permission; the host's gate puts one question to the device, whose 'once' lets it run", async () => {
  const { asked, from } = await promptUntilAsked("echo allowed > allowed.txt");
  assert.equal(asked.permission, "bash");
  const pending = await client.permission.list();
  assert.equal(pending.response.status, 200);
  assert.ok(pending.data.some((p) => p.id === asked.id), JSON.stringify(pending.data));
  assert.ok(!(await other.permission.list()).data.some((p) => p.id === asked.id), "another device must not see the question");
  const foreign = await other.permission.reply({ requestID: asked.id, reply: "once" });
  assert.equal(foreign.response.status, 404, "another device must not answer it");

  // the same question, as the host's gate put it: bound to the task, call, arguments and a nonce
  const question = await waitFor("the gate's question", async () => (await hostQuestions())
    .find((q) => q.runtime === "opencode" && q.command === "echo allowed > allowed.txt"));
  assert.equal(question.policy, "opencode-asks");
  assert.ok(question.nonce && question.argsHash && question.callId, JSON.stringify(question));
  assert.equal((await hostApi(`/v1/tasks/${question.taskId}`)).state, "waiting_permission");

  const replied = await client.permission.reply({ requestID: asked.id, reply: "once" });
  assert.equal(replied.response.status, 200, JSON.stringify(replied.error));
  assert.equal(replied.data, true);
  await eventFor("permission.replied", sessionID, (e) => e.properties.requestID === asked.id, from);
  await eventFor("session.idle", sessionID, () => true, from);
  assert.equal(fs.readFileSync(path.join(workspace, "allowed.txt"), "utf8").trim(), "allowed");

  const again = await client.permission.reply({ requestID: asked.id, reply: "once" });
  assert.equal(again.response.status, 404, "an answer counts once");

  const logs = await taskLog(asked.id);
  assert.equal(logs.length, 1);
  const events = logs[0].events;
  const questions = events.filter((e) => e.type === "permission.asked");
  assert.equal(questions.length, 1, "one question, not two:\n" + JSON.stringify(events));
  assert.equal(JSON.parse(questions[0].text).id, question.id);
  const answers = events.filter((e) => e.type === "permission.replied").map((e) => JSON.parse(e.text));
  assert.equal(answers.length, 1);
  assert.equal(answers[0].decision, "once");
  assert.ok(events.some((e) => (e.text ?? "").startsWith(`permission ${asked.id} answered: once`)),
    events.map((e) => e.text).join("\n"));
  await waitFor("the task to succeed", async () => (await hostApi(`/v1/tasks/${logs[0].task.id}`)).state === "succeeded");

  const entries = (await audit(logs[0].task.id)).filter((e) => e.promptId === question.id);
  assert.deepEqual(entries.map((e) => `${e.decision} ${e.decidedBy}`), ["ask policy:opencode-asks", `allow device:${question.deviceId}`]);
});

test("the device's 'reject' stops the call", async () => {
  const { asked, from } = await promptUntilAsked("echo rejected > rejected.txt");
  await waitFor("the gate's question", async () => (await hostQuestions()).find((q) => q.command === "echo rejected > rejected.txt"));
  const replied = await client.permission.reply({ requestID: asked.id, reply: "reject" });
  assert.equal(replied.response.status, 200, JSON.stringify(replied.error));
  await eventFor("message.part.updated", sessionID, (e) => e.properties.part.type === "tool"
    && e.properties.part.callID === asked.tool.callID && e.properties.part.state.status === "error", from);
  await eventFor("session.idle", sessionID, () => true, from);
  assert.ok(!fs.existsSync(path.join(workspace, "rejected.txt")));
  const log = (await taskLog(asked.id))[0];
  assert.ok(log.events.some((e) => (e.text ?? "").startsWith(`permission ${asked.id} answered: reject`)),
    log.events.map((e) => e.text).join("\n"));
  assert.ok((await audit(log.task.id)).some((e) => e.decision === "deny" && e.decidedBy.startsWith("device:")));
});

test("a host policy decides first: the command rule's deny rejects without asking anybody", async () => {
  fs.writeFileSync(path.join(workspace, "precious.txt"), "keep me\n");
  const from = events.length;
  const sent = await client.session.promptAsync({ sessionID, parts: [{ type: "text", text: "run: rm precious.txt" }] });
  assert.equal(sent.response.status, 204, JSON.stringify(sent.error));
  const asked = (await eventFor("permission.asked", sessionID, (e) => e.properties.metadata?.command === "rm precious.txt", from)).properties;
  await eventFor("permission.replied", sessionID, (e) => e.properties.requestID === asked.id, from);
  await eventFor("session.idle", sessionID, () => true, from);
  assert.equal(fs.readFileSync(path.join(workspace, "precious.txt"), "utf8"), "keep me\n");
  const log = (await taskLog(asked.id))[0];
  assert.ok(!log.events.some((e) => e.type === "permission.asked"), "nobody is asked when a policy decides");
  assert.ok(log.events.some((e) => (e.text ?? "").startsWith(`permission ${asked.id} answered: reject`)));
  const late = await client.permission.reply({ requestID: asked.id, reply: "once" });
  assert.equal(late.response.status, 404);
  const entries = await audit(log.task.id);
  assert.ok(entries.some((e) => e.decision === "deny" && e.decidedBy === "policy:command-rules" && e.subject === "rm precious.txt"),
    JSON.stringify(entries));
});

test("'always' becomes a host rule: the next such call is allowed by the host without a question", async () => {
  let { asked, from } = await promptUntilAsked("touch always.txt");
  await waitFor("the gate's question", async () => (await hostQuestions()).find((q) => q.command === "touch always.txt"));
  const replied = await client.permission.reply({ requestID: asked.id, reply: "always" });
  assert.equal(replied.response.status, 200, JSON.stringify(replied.error));
  await eventFor("session.idle", sessionID, () => true, from);
  assert.ok(fs.existsSync(path.join(workspace, "always.txt")));
  const rules = await hostApi("/v1/permissions/rules");
  assert.ok(rules.some((r) => r.tool === "bash" && r.pattern.startsWith("touch")), JSON.stringify(rules));

  fs.rmSync(path.join(workspace, "always.txt"));
  ({ asked, from } = await promptUntilAsked("touch always.txt"));
  await eventFor("permission.replied", sessionID, (e) => e.properties.requestID === asked.id, from);
  await eventFor("session.idle", sessionID, () => true, from);
  assert.ok(fs.existsSync(path.join(workspace, "always.txt")), "the rule let it run");
  const log = (await taskLog(asked.id))[0];
  assert.ok(!log.events.some((e) => e.type === "permission.asked"), "no second question");
  assert.ok((await audit(log.task.id)).some((e) => e.decision === "allow" && e.decidedBy.startsWith("rule:")));
});

test("abort stops the session's running prompt and its host task", async () => {
  const { asked, from } = await promptUntilAsked("sleep 30");
  const aborted = await client.session.abort({ sessionID });
  assert.equal(aborted.response.status, 200, JSON.stringify(aborted.error));
  await eventFor("session.idle", sessionID, () => true, from);
  const logs = await taskLog(asked.id);
  await waitFor("the task to be cancelled", async () => (await hostApi(`/v1/tasks/${logs[0].task.id}`)).state === "cancelled");
  const late = await client.permission.reply({ requestID: asked.id, reply: "once" });
  assert.equal(late.response.status, 404, "the question ended with the task");
});

test("a route the host does not serve answers a typed error naming it", async () => {
  const response = await fetch(baseUrl + "/config", { headers: bearer(credential) });
  assert.equal(response.status, 404);
  assert.match(response.headers.get("content-type"), /application\/json/);
  const error = await response.json();
  assert.equal(error.code, "not_found");
  assert.match(error.message, /GET \/config/);
});

test("delete removes the session", async () => {
  const deleted = await client.session.delete({ sessionID });
  assert.equal(deleted.response.status, 200, JSON.stringify(deleted.error));
  assert.ok(!(await client.session.list()).data.some((s) => s.id === sessionID));
  assert.equal((await client.session.get({ sessionID })).response.status, 404);
});
