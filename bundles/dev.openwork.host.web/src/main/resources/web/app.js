// The OpenWork Host page: health, pairing, devices, tasks and charts, all from the host's own API on
// this origin. No framework, nothing inline (the page runs under a strict CSP), and every text from
// the host goes into the page as text (textContent, text nodes), never parsed as markup.
'use strict';

const SCOPES = [
  ['status:read', 'See whether the host is healthy.'],
  ['tasks:run', 'Run tasks (commands, agents) on this host, in the folders it allows.'],
  ['tasks:read', 'Read tasks and their output.'],
  ['permissions:answer', 'Answer the permission prompts of running tasks.'],
  ['admin', 'Everything: pair and revoke devices, run recovery actions. Only for your own devices.'],
];
const OUTCOME_COLOURS = { succeeded: '#1a7f37', failed: '#cf222e', cancelled: '#8c959f', interrupted: '#9a6700' };
const FAILURE_COLOURS = ['#cf222e', '#bc4c00', '#9a6700', '#8250df', '#0969da', '#57606a'];

const $ = (id) => document.getElementById(id);
const state = { signedIn: false, actions: {}, range: 'day', metrics: null, logSource: null, logTask: null,
  windowOpen: false, revokeArmed: null, refreshTimer: null };

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : 'HTTP ' + status);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok && !(response.status === 503 && data && data.checks)) throw new ApiError(response.status, data);
  return data;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('data-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function duration(seconds) {
  seconds = Math.max(0, Math.floor(seconds));
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60);
  if (d > 0) return d + 'd ' + h + 'h';
  if (h > 0) return h + 'h ' + m + 'm';
  return m + 'm ' + (seconds % 60) + 's';
}

function when(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function notice(text, failed) {
  const box = $('action-result');
  box.textContent = text;
  box.classList.toggle('failed', !!failed);
  box.hidden = false;
}

function failed(error) {
  if (error instanceof ApiError && error.status === 401) {
    signedOut();
    return;
  }
  const action = error.body && error.body.action ? ' ' + error.body.action : '';
  notice(error.message + action, true);
}

// ---- sign-in --------------------------------------------------------------------------------

async function signInFromFragment() {
  const match = /(?:^|[#&])login=([^&]+)/.exec(location.hash);
  if (!match) return;
  // the one-time code leaves the address bar before anything else happens
  history.replaceState(null, '', location.pathname);
  try {
    await api('POST', '/v1/session', { code: decodeURIComponent(match[1]) });
  } catch (error) {
    $('signin-error').textContent = error.message + (error.body && error.body.action ? ' ' + error.body.action : '');
    $('signin-error').hidden = false;
  }
}

function signedOut() {
  state.signedIn = false;
  $('signin').hidden = false;
  for (const id of ['health', 'onboarding', 'permissions', 'devices', 'tasks', 'charts']) $(id).hidden = true;
  $('overall').textContent = 'signed out';
  $('overall').dataset.status = 'unknown';
}

function signedIn() {
  if (state.signedIn) return;
  state.signedIn = true;
  $('signin').hidden = true;
  for (const id of ['health', 'onboarding', 'permissions', 'devices', 'tasks', 'charts']) $(id).hidden = false;
  followEvents();
}

// ---- health ---------------------------------------------------------------------------------

async function loadHealth() {
  const [report, actions] = await Promise.all([api('GET', '/v1/health'), api('GET', '/v1/health/actions')]);
  signedIn();
  state.actions = Object.fromEntries(actions.map((a) => [a.id, a]));
  $('overall').textContent = report.status;
  $('overall').dataset.status = report.status;
  $('health-status').textContent = report.status;
  $('uptime').textContent = duration(report.uptimeSeconds);
  $('version').textContent = report.version;
  const tls = report.checks.find((c) => c.name === 'tls');
  if (tls && tls.details && tls.details.spkiSha256) {
    $('fingerprint').textContent = tls.details.spkiSha256.slice(0, 16).replace(/(.{4})/g, '$1 ').trim();
  }
  const list = $('checks');
  list.replaceChildren(...report.checks.map(renderCheck));
}

function renderCheck(check) {
  const item = el('li', { class: 'check', 'data-check': check.name, 'data-status': check.status },
    el('div', { class: 'check-head' },
      el('span', { class: 'pill', 'data-status': check.status }, check.status),
      el('span', { class: 'check-name' }, check.name)),
    el('p', { class: 'cause' }, check.cause));
  if (check.action) item.append(el('p', { class: 'todo' }, 'What to do: ' + check.action));
  const buttons = (check.actions || []).filter((id) => state.actions[id]).map((id) =>
    el('button', { type: 'button', class: check.status === 'OK' ? 'secondary action' : 'action', 'data-action': id,
      onclick: (event) => runAction(id, event.currentTarget) }, state.actions[id].label));
  if (buttons.length) item.append(el('div', { class: 'row' }, ...buttons));
  return item;
}

async function runAction(id, button) {
  button.disabled = true;
  try {
    const result = await api('POST', '/v1/health/actions/' + encodeURIComponent(id));
    notice(result.message, false);
  } catch (error) {
    failed(error);
  } finally {
    button.disabled = false;
    await refresh();
  }
}

// ---- pairing --------------------------------------------------------------------------------

async function loadPairing() {
  let window = null;
  try {
    window = await api('GET', '/v1/pairing/window');
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
  renderWindow(window);
  renderPending(await api('GET', '/v1/pairing/pending'));
}

function renderWindow(window) {
  const wasOpen = state.windowOpen;
  state.windowOpen = !!window;
  $('window').hidden = !window;
  $('close-window').hidden = !window;
  $('open-window').textContent = window ? 'Open a new window' : 'Open a pairing window';
  if (!window) return;
  const code = window.code;
  if ($('pairing-code').textContent !== code.slice(0, 4) + ' ' + code.slice(4)) {
    $('pairing-code').textContent = code.slice(0, 4) + ' ' + code.slice(4);
    // the QR code carries the code, so it changes with it
    $('pairing-qr').src = '/v1/pairing/window/qr.svg?v=' + encodeURIComponent(code.slice(0, 2) + Date.now());
  } else if (!wasOpen) {
    $('pairing-qr').src = '/v1/pairing/window/qr.svg?v=' + Date.now();
  }
  $('pairing-left').textContent = duration((new Date(window.closesAt) - Date.now()) / 1000);
  $('pairing-failures').textContent = window.failuresThisWindow ? window.failuresThisWindow + ' failed attempts.' : '';
  $('pairing-link').textContent = window.connectLink || 'No LAN address: devices cannot reach this host yet.';
}

function renderPending(pending) {
  $('no-pending').hidden = pending.length > 0;
  $('pending').replaceChildren(...pending.map((p) => {
    const requested = new Set(p.requestedScopes);
    const boxes = SCOPES.map(([scope, meaning]) => el('li', {},
      el('label', {}, el('input', { type: 'checkbox', value: scope, checked: requested.has(scope) }),
        el('span', {}, el('strong', {}, scope), ' — ' + meaning))));
    const scopeList = el('ul', { class: 'scopes' }, ...boxes);
    const approve = el('button', { type: 'button', class: 'approve', onclick: async () => {
      const scopes = [...scopeList.querySelectorAll('input:checked')].map((i) => i.value);
      await act(() => api('POST', '/v1/pairing/pending/' + encodeURIComponent(p.pairingId) + '/approve', { scopes }),
        p.deviceName + ' is approved.');
    } }, 'Approve');
    const deny = el('button', { type: 'button', class: 'secondary deny', onclick: () =>
      act(() => api('POST', '/v1/pairing/pending/' + encodeURIComponent(p.pairingId) + '/deny'), p.deviceName + ' is denied.') },
    'Deny');
    return el('li', { class: 'pending', 'data-pairing': p.pairingId },
      el('div', {}, el('strong', {}, p.deviceName), ' (' + p.platform + ') from ' + p.address),
      el('p', { class: 'small' }, 'It asks for: ' + (p.requestedScopes.join(', ') || 'the default scopes') + '. Grant:'),
      scopeList, el('div', { class: 'row' }, approve, deny));
  }));
}

async function act(call, message) {
  try {
    await call();
    notice(message, false);
  } catch (error) {
    failed(error);
  }
  await refresh();
}

// ---- devices --------------------------------------------------------------------------------

async function loadDevices() {
  const devices = await api('GET', '/v1/devices');
  $('no-devices').hidden = devices.length > 0;
  $('device-list').replaceChildren(...devices.map((d) => {
    const revoke = el('button', { type: 'button', class: 'secondary revoke', onclick: (event) => {
      const button = event.currentTarget;
      if (state.revokeArmed !== d.id) {
        // a second tap confirms: no native dialog, which a phone may suppress
        state.revokeArmed = d.id;
        button.textContent = 'Tap again to revoke';
        button.classList.add('danger');
        setTimeout(() => { if (state.revokeArmed === d.id) { state.revokeArmed = null; loadDevices().catch(failed); } }, 5000);
        return;
      }
      state.revokeArmed = null;
      act(() => api('DELETE', '/v1/devices/' + encodeURIComponent(d.id)), d.name + ' is revoked.');
    } }, 'Revoke');
    return el('li', { class: 'device', 'data-device': d.id },
      el('div', {}, el('strong', {}, d.name), ' (' + (d.platform || '?') + ')'),
      el('p', { class: 'small' }, 'Scopes: ' + d.scopes.join(', ') + '. Paired ' + when(d.pairedAt)
        + (d.lastSeenAt ? '; last seen ' + when(d.lastSeenAt) + (d.lastAddress ? ' from ' + d.lastAddress : '') : '') + '.'),
      el('div', { class: 'row' }, revoke));
  }));
}

// ---- tasks ----------------------------------------------------------------------------------

async function loadTasks() {
  let tasks;
  try {
    tasks = await api('GET', '/v1/tasks?limit=20');
  } catch (error) {
    if (error instanceof ApiError && error.status === 503) {
      $('no-tasks').textContent = error.message;
      return;
    }
    throw error;
  }
  $('no-tasks').hidden = tasks.length > 0;
  $('task-list').replaceChildren(...tasks.map((t) => el('li', { class: 'task', 'data-task': t.id, onclick: () => openLog(t) },
    el('span', { class: 'what' }, t.id + ' · ' + t.runtime + ' · ' + when(t.createdAt) + (t.summary ? ' · ' + t.summary : '')),
    el('span', { class: 'pill', 'data-status': t.state }, t.state))));
  const last = tasks[0];
  $('last-task').replaceChildren(last ? el('span', {}, el('span', { class: 'pill', 'data-status': last.state }, last.state),
    ' ' + last.id + ' (' + when(last.createdAt) + ')') : 'none yet');
}

function openLog(task) {
  if (state.logSource) state.logSource.close();
  state.logTask = task.id;
  $('task-log').hidden = false;
  $('task-log').dataset.task = task.id;
  $('log-title').textContent = task.id;
  $('log-state').textContent = task.state;
  $('log-state').dataset.status = task.state;
  const lines = $('log-lines');
  lines.replaceChildren();
  // the stream replays the task's whole log first, then follows it live
  const source = new EventSource('/v1/tasks/' + encodeURIComponent(task.id) + '/events');
  source.addEventListener('task.output', (message) => {
    const event = JSON.parse(message.data);
    const line = el('span', { class: event.stream === 'stderr' ? 'stderr line' : 'line', 'data-event': event.id }, event.text + '\n');
    lines.append(line);
    lines.scrollTop = lines.scrollHeight;
  });
  source.addEventListener('task.state', (message) => {
    const event = JSON.parse(message.data);
    $('log-state').textContent = event.state;
    $('log-state').dataset.status = event.state;
  });
  state.logSource = source;
  $('task-log').scrollIntoView({ block: 'nearest' });
}

/** The admin's stream of every task's events: new tasks and state changes show without reloading. */
function followEvents() {
  const source = new EventSource('/v1/events');
  let pending = null;
  const soon = () => {
    if (!pending) pending = setTimeout(() => { pending = null; loadTasks().catch(failed); }, 150);
  };
  source.addEventListener('task.created', soon);
  source.addEventListener('task.state', soon);
}

// ---- charts ---------------------------------------------------------------------------------

async function loadMetrics() {
  try {
    state.metrics = await api('GET', '/v1/metrics/summary');
  } catch (error) {
    state.metrics = null;
    $('metrics-note').textContent = error.message;
    $('metrics-note').hidden = false;
    $('failures').textContent = 'not counted';
    return;
  }
  $('metrics-note').hidden = state.metrics.enabled;
  $('metrics-note').textContent = state.metrics.enabled ? '' : 'Local metrics are switched off (etc/dev.openwork.host.telemetry.cfg).';
  const failuresToday = sumBy(state.metrics.lastDay, 'connectionFailures');
  const total = Object.values(failuresToday).reduce((a, b) => a + b, 0);
  $('failures').textContent = total === 0 ? 'none' : total + ' (' + Object.entries(failuresToday).map(([k, v]) => v + ' ' + k).join(', ') + ')';
  drawCharts();
}

function sumBy(buckets, field) {
  const sums = {};
  for (const bucket of buckets) for (const [key, value] of Object.entries(bucket[field])) sums[key] = (sums[key] || 0) + value;
  return sums;
}

function drawCharts() {
  if (!state.metrics) return;
  const buckets = state.range === 'day' ? state.metrics.lastDay : state.metrics.lastWeek;
  $('range-name').textContent = state.range;
  const outcomes = Object.keys(sumBy(buckets, 'tasks')).sort();
  drawBars($('chart-tasks'), buckets, 'tasks', outcomes, (k, i) => OUTCOME_COLOURS[k] || FAILURE_COLOURS[i % FAILURE_COLOURS.length]);
  const reasons = Object.keys(sumBy(buckets, 'connectionFailures')).sort();
  drawBars($('chart-failures'), buckets, 'connectionFailures', reasons, (k, i) => FAILURE_COLOURS[i % FAILURE_COLOURS.length]);
}

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

/** A stacked bar per bucket; colours are presentation attributes, not styles, so the CSP needs no exception. */
function drawBars(container, buckets, field, keys, colour) {
  const width = 300, height = 110, gap = 2;
  const totals = buckets.map((b) => keys.reduce((sum, k) => sum + (b[field][k] || 0), 0));
  const max = Math.max(1, ...totals);
  const barWidth = width / buckets.length;
  const chart = svg('svg', { viewBox: '0 0 ' + width + ' ' + (height + 12), role: 'img', 'data-total': totals.reduce((a, b) => a + b, 0) });
  chart.append(svg('line', { x1: 0, y1: height, x2: width, y2: height, stroke: '#dde2e8' }));
  buckets.forEach((bucket, i) => {
    let y = height;
    keys.forEach((key, k) => {
      const value = bucket[field][key] || 0;
      if (!value) return;
      const h = value / max * (height - 4);
      y -= h;
      const rect = svg('rect', { x: i * barWidth + gap / 2, y, width: Math.max(1, barWidth - gap), height: h, fill: colour(key, k) });
      const title = svg('title', {});
      title.textContent = when(bucket.start) + ': ' + value + ' ' + key;
      rect.append(title);
      chart.append(rect);
    });
  });
  const label = svg('text', { x: width, y: height + 11, 'text-anchor': 'end', 'font-size': 9, fill: '#5b6675' });
  label.textContent = 'max ' + max + ' per ' + (buckets.length === 24 ? 'hour' : 'day');
  chart.append(label);
  const legend = el('div', { class: 'legend' }, ...(keys.length ? keys.map((key, k) => {
    const swatch = svg('svg', { width: 10, height: 10, class: 'swatch' });
    swatch.append(svg('rect', { width: 10, height: 10, rx: 2, fill: colour(key, k) }));
    return el('span', {}, swatch, key + ' ' + buckets.reduce((sum, b) => sum + (b[field][key] || 0), 0));
  }) : ['nothing in this range']));
  container.replaceChildren(chart, legend);
}

// ---- wiring ---------------------------------------------------------------------------------

async function refresh() {
  try {
    await loadHealth();
    await Promise.all([loadPairing(), loadDevices(), loadTasks(), loadMetrics()]);
  } catch (error) {
    failed(error);
  }
}

function schedule() {
  clearTimeout(state.refreshTimer);
  // an open window changes its code after a failed attempt and collects waiting devices: look often
  state.refreshTimer = setTimeout(async () => {
    if (state.signedIn) {
      if (state.windowOpen) await loadPairing().catch(failed);
      else await refresh();
    }
    schedule();
  }, state.windowOpen ? 1500 : 5000);
}

async function start() {
  $('open-window').addEventListener('click', () => act(async () => renderWindow(await api('POST', '/v1/pairing/window', { minutes: 5 })),
    'A pairing window is open for 5 minutes.'));
  $('close-window').addEventListener('click', () => act(() => api('DELETE', '/v1/pairing/window'), 'The pairing window is closed.'));
  $('range-day').addEventListener('click', () => setRange('day'));
  $('range-week').addEventListener('click', () => setRange('week'));
  // a login link opened in a tab that already shows the page only changes the fragment: no reload
  window.addEventListener('hashchange', async () => {
    await signInFromFragment();
    await refresh();
  });
  await signInFromFragment();
  await refresh();
  schedule();
  document.body.dataset.ready = 'true';
  // for bench/web.sh: when the page first showed everything, in ms since navigation started
  performance.mark('openwork-ready');
}

function setRange(range) {
  state.range = range;
  $('range-day').setAttribute('aria-pressed', range === 'day');
  $('range-week').setAttribute('aria-pressed', range === 'week');
  drawCharts();
}

document.addEventListener('DOMContentLoaded', start);
