// Driver of bench/opencode.sh: see there. Prints each run and the medians.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const [dist, binDir, runsArg, eventsArg, idleArg] = process.argv.slice(2);
const runs = Number(runsArg), eventCount = Number(eventsArg), idleSeconds = Number(idleArg);
const opencode = path.join(binDir, "opencode");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

function freePort() {
  return new Promise((resolve) => { const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); }); });
}

function rssKb(pid) {
  try { return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))[1]); } catch { return 0; }
}

function treeRssKb(pid) {
  let total = rssKb(pid);
  for (const child of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${child}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) total += treeRssKb(Number(child));
    } catch { /* gone */ }
  }
  return total;
}

async function untilOk(url, headers, deadlineMs, alive) {
  const start = Date.now();
  while (Date.now() - start < deadlineMs) {
    if (!alive()) throw new Error(`the process died before ${url} answered`);
    // a request sent while OpenCode is still starting can stay unanswered: give each one 2 s, like the supervisor
    try { const r = await fetch(url, { headers, signal: AbortSignal.timeout(2000) }); if (r.ok) return; } catch { /* not yet */ }
    await sleep(10);
  }
  throw new Error(`${url} did not answer within ${deadlineMs} ms`);
}

// Opens an event stream and resolves each waiter when an event of its session arrives.
async function openStream(url, headers) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { ...headers, Accept: "text/event-stream" }, signal: controller.signal });
  const waiters = new Map();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, end); buffer = buffer.slice(end + 2);
          const data = frame.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("\n");
          if (!data) continue;
          const event = JSON.parse(data);
          const title = event.properties?.info?.title;
          if (event.type === "session.created" && waiters.has(title)) { waiters.get(title)(performance.now()); waiters.delete(title); }
        }
      }
    } catch { /* aborted */ }
  })();
  return { waitFor: (title) => new Promise((resolve) => waiters.set(title, resolve)), close: () => controller.abort() };
}

async function latencies(base, eventPath, headers, directory) {
  const stream = await openStream(base + eventPath, headers);
  await sleep(300);
  const samples = [];
  for (let i = 0; i < eventCount; i++) {
    const title = "bench-" + crypto.randomUUID();
    const arrived = stream.waitFor(title);
    const sent = performance.now();
    const r = await fetch(`${base}/session`, { method: "POST", headers: { ...headers, "content-type": "application/json", "x-opencode-directory": encodeURIComponent(directory) },
      body: JSON.stringify({ title }) });
    if (!r.ok) throw new Error(`POST /session: ${r.status} ${await r.text()}`);
    samples.push((await arrived) - sent);
  }
  stream.close();
  return samples;
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), 10000);
    child.once("exit", () => { clearTimeout(timer); resolve(); });
    child.kill("SIGTERM");
  });
}

async function bare(work) {
  const dirs = Object.fromEntries(["home", "config", "data", "cache", "state", "ws"].map((d) => [d, path.join(work, d)]));
  Object.values(dirs).forEach((d) => fs.mkdirSync(d, { recursive: true }));
  const port = await freePort();
  const password = crypto.randomBytes(24).toString("base64url");
  const started = performance.now();
  const child = spawn(opencode, ["serve", "--hostname", "127.0.0.1", "--port", String(port)], { cwd: dirs.ws, stdio: "ignore",
    env: { PATH: process.env.PATH, HOME: dirs.home, XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data, XDG_CACHE_HOME: dirs.cache,
      XDG_STATE_HOME: dirs.state, OPENCODE_DISABLE_AUTOUPDATE: "1", OPENCODE_DISABLE_MODELS_FETCH: "1", OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
      OPENCODE_DISABLE_SHARE: "1", OPENCODE_SERVER_PASSWORD: password } });
  const headers = { Authorization: "Basic " + Buffer.from("opencode:" + password).toString("base64") };
  const base = `http://127.0.0.1:${port}`;
  try {
    await untilOk(base + "/global/health", headers, 60000, () => child.exitCode === null);
    const healthyMs = performance.now() - started;
    await sleep(idleSeconds * 1000);
    const rss = treeRssKb(child.pid);
    const lat = await latencies(base, "/event", headers, dirs.ws);
    return { healthyMs, rss, lat };
  } finally { await stop(child); }
}

async function host(work) {
  const data = path.join(work, "data"), ws = path.join(work, "ws");
  fs.mkdirSync(ws, { recursive: true });
  const port = await freePort();
  const started = performance.now();
  const child = spawn(path.join(dist, "bin/openwork-host"), ["--headless", "--data", data, "--port", String(port), "--lan-address", "127.0.0.1",
    "--lan-port", "0", "--discovery", "manual"], { stdio: "ignore", env: { ...process.env, PATH: binDir + path.delimiter + process.env.PATH } });
  const base = `http://127.0.0.1:${port}/opencode`;
  try {
    const token = path.join(data, "admin/admin.token");
    const start = Date.now();
    while (!fs.existsSync(token)) { if (Date.now() - start > 60000 || child.exitCode !== null) throw new Error("no admin token"); await sleep(10); }
    const headers = { Authorization: "Bearer " + fs.readFileSync(token, "utf8").trim() };
    await untilOk(base + "/global/health", headers, 90000, () => child.exitCode === null);
    const healthyMs = performance.now() - started;
    await sleep(idleSeconds * 1000);
    const jvm = rssKb(child.pid);
    const rss = treeRssKb(child.pid);
    const lat = await latencies(base, "/event", headers, fs.realpathSync(ws));
    return { healthyMs, rss, jvm, lat };
  } finally { await stop(child); }
}

const results = { host: [], bare: [] };
for (let i = 1; i <= runs; i++) {
  for (const [name, run] of [["bare", bare], ["host", host]]) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `oc-bench-${name}-`));
    try {
      const r = await run(work);
      results[name].push(r);
      console.log(`run ${i} ${name}: healthy after ${r.healthyMs.toFixed(0)} ms, RSS ${(r.rss / 1024).toFixed(0)} MiB`
        + (r.jvm ? ` (JVM ${(r.jvm / 1024).toFixed(0)} MiB)` : "")
        + `, session.created latency p50 ${median(r.lat).toFixed(1)} ms p95 ${pct(r.lat, 0.95).toFixed(1)} ms`);
    } finally { fs.rmSync(work, { recursive: true, force: true }); }
  }
}
for (const name of ["bare", "host"]) {
  const rs = results[name];
  const all = rs.flatMap((r) => r.lat);
  console.log(`median ${name}: healthy ${median(rs.map((r) => r.healthyMs)).toFixed(0)} ms, RSS ${(median(rs.map((r) => r.rss)) / 1024).toFixed(0)} MiB`
    + (name === "host" ? ` (JVM ${(median(rs.map((r) => r.jvm)) / 1024).toFixed(0)} MiB)` : "")
    + `, event latency p50 ${median(all).toFixed(1)} ms, p95 ${pct(all, 0.95).toFixed(1)} ms over ${all.length} events`);
}
