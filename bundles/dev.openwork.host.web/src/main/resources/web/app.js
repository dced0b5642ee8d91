// The OpenWork Host page: health, pairing (with discovery), permission prompts, devices, tasks and charts,
// all from the host's own API on this origin. No framework, nothing inline (the page runs under a strict
// CSP), and every text from the host goes into the page as text (textContent, text nodes), never as markup.
'use strict';

// The grants a device can get (dev.openwork.host.api.devices.Scopes), in the order the page lists them.
const STANDARD_SCOPES = ['status:read', 'tasks:run', 'tasks:read', 'permissions:answer', 'runtime:*', 'workspace:*', 'admin'];
// What the host grants when a device asks for nothing in particular (Scopes.DEFAULT_DEVICE).
const DEFAULT_DEVICE_SCOPES = ['status:read', 'tasks:run', 'tasks:read', 'permissions:answer', 'runtime:*', 'workspace:*'];
const ROUTE_SCOPE_MEANINGS = {
  'status:read': 'See whether the host is healthy.',
  'tasks:run': 'Start and cancel tasks (commands, agents); which runtimes and folders come from the grants below.',
  'tasks:read': 'Read its tasks and their output.',
  'permissions:answer': 'Answer the permission prompts of its tasks.',
  'runtime:*': 'Run tasks with any runtime installed on this host.',
  'workspace:*': 'Run tasks in any folder this host allows for tasks (its workspace roots).',
  admin: 'Everything: pair and revoke devices, answer every prompt, run recovery actions. Only for your own devices.',
};
const OUTCOME_COLOURS = { succeeded: '#1a7f37', failed: '#cf222e', cancelled: '#8c959f', interrupted: '#9a6700' };
const FAILURE_COLOURS = ['#cf222e', '#bc4c00', '#9a6700', '#8250df', '#0969da', '#57606a'];

const $ = (id) => document.getElementById(id);
const state = { signedIn: false, actions: {}, range: 'day', metrics: null, logSource: null, logTask: null,
  windowOpen: false, revokeArmed: null, refreshTimer: null, deviceNames: new Map(), prompts: new Map(),
  answeredHere: new Set(), clockOffset: 0, discoveryLink: null };

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
  noteServerClock(response);
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok && !(response.status === 503 && data && data.checks)) throw new ApiError(response.status, data);
  return data;
}

/**
 * Countdowns run on the host's clock. On the host itself both clocks are one; a browser elsewhere may
 * be off by minutes, which the Date header shows (to the second, so small differences are ignored).
 */
function noteServerClock(response) {
  const date = Date.parse(response.headers.get('Date') || '');
  if (Number.isNaN(date)) return;
  const offset = date - Date.now();
  state.clockOffset = Math.abs(offset) > 3000 ? offset : 0;
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

/** What a scope lets a device do, in plain words. */
function scopeMeaning(scope) {
  if (ROUTE_SCOPE_MEANINGS[scope]) return ROUTE_SCOPE_MEANINGS[scope];
  if (scope.startsWith('runtime:')) return 'Run tasks with the “' + scope.slice('runtime:'.length) + '” runtime.';
  if (scope.startsWith('workspace:')) return 'Run tasks in ' + scope.slice('workspace:'.length) + ' and the folders below it.';
  return 'A grant this page does not know; the host checks it.';
}

/** Sort key: route scopes first, then runtime grants, then folder grants, admin last. */
function scopeRank(scope) {
  if (scope === 'admin') return [5, ''];
  if (scope.startsWith('runtime:')) return [2, scope === 'runtime:*' ? '' : scope];
  if (scope.startsWith('workspace:')) return [3, scope === 'workspace:*' ? '' : scope];
  const standard = STANDARD_SCOPES.indexOf(scope);
  return standard >= 0 ? [1, String(standard)] : [4, scope];
}

function byScopeRank(a, b) {
  const [ra, ka] = scopeRank(a), [rb, kb] = scopeRank(b);
  return ra - rb || (ka < kb ? -1 : ka > kb ? 1 : 0);
}

/**
 * Shows one node per item, keyed: a node whose item is still there stays in place (only
 * {@code update}, when given, touches it), so what an admin ticked or typed in it survives the
 * page's refreshes and keeps its focus.
 */
function keyed(container, items, keyOf, render, update) {
  const existing = new Map([...container.children].map((node) => [node.dataset.key, node]));
  const wanted = new Set(items.map(keyOf));
  for (const [key, node] of existing) if (!wanted.has(key)) node.remove();
  let previous = null;
  for (const item of items) {
    const key = keyOf(item);
    let node = existing.get(key);
    if (!node) {
      node = render(item);
      node.dataset.key = key;
    } else if (update) {
      update(node, item);
    }
    const expected = previous ? previous.nextSibling : container.firstChild;
    if (expected !== node) container.insertBefore(node, expected);
    previous = node;
  }
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

/** Shows the outcome of an action in the status line {@code boxId} (by default the health panel's). */
function notice(text, failed, boxId, code) {
  const box = $(boxId || 'action-result');
  box.textContent = text;
  box.classList.toggle('failed', !!failed);
  box.dataset.code = code || '';
  box.hidden = false;
}

/** A typed error from the host as the person should read it: what happened, then what to do. */
function failed(error, boxId) {
  if (error instanceof ApiError && error.status === 401) {
    signedOut();
    return;
  }
  const action = error.body && error.body.action ? ' ' + error.body.action : '';
  notice(error.message + action, true, boxId, error.body && error.body.code);
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

async function runAction(id, button, boxId) {
  button.disabled = true;
  try {
    const result = await api('POST', '/v1/health/actions/' + encodeURIComponent(id));
    notice(result.message, false, boxId);
  } catch (error) {
    failed(error, boxId);
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
  keyed($('pending'), pending, (p) => p.pairingId, renderPendingDevice);
}

/**
 * A device waiting for approval: every scope it asked for (runtime and folder grants included) and
 * the standard ones, each explained, ticked as asked; approving grants exactly what is ticked.
 */
function renderPendingDevice(p) {
  const askedFor = p.requestedScopes.length ? p.requestedScopes : DEFAULT_DEVICE_SCOPES;
  const ticked = new Set(askedFor);
  const scopes = [...new Set([...askedFor, ...STANDARD_SCOPES])].sort(byScopeRank);
  const boxes = scopes.map((scope) => el('li', { 'data-scope': scope },
    el('label', {}, el('input', { type: 'checkbox', value: scope, checked: ticked.has(scope) }),
      el('span', {}, el('strong', { class: 'mono' }, scope), ' — ' + scopeMeaning(scope)))));
  const scopeList = el('ul', { class: 'scopes' }, ...boxes);
  const hint = el('p', { class: 'small hint', role: 'status' });
  const chosen = () => [...scopeList.querySelectorAll('input:checked')].map((i) => i.value);
  const approve = el('button', { type: 'button', class: 'approve', onclick: async () => {
    const granted = chosen();
    if (!granted.length) return; // an empty list would mean "what it asked for" to the host
    approve.disabled = true;
    await act(() => api('POST', '/v1/pairing/pending/' + encodeURIComponent(p.pairingId) + '/approve', { scopes: granted }),
      p.deviceName + ' is approved with ' + granted.join(', ') + '.');
    approve.disabled = false;
  } }, 'Approve');
  const explainChoice = () => {
    const granted = chosen();
    const runs = granted.includes('admin') || (granted.includes('tasks:run')
      && granted.some((s) => s.startsWith('runtime:')) && granted.some((s) => s.startsWith('workspace:')));
    approve.disabled = granted.length === 0;
    hint.textContent = granted.length === 0 ? 'Tick at least one scope, or deny the device.'
      : granted.includes('tasks:run') && !runs ? 'It will not be able to run tasks: that needs a runtime grant and a folder grant too.'
        : '';
    hint.hidden = !hint.textContent;
  };
  scopeList.addEventListener('change', explainChoice);
  explainChoice();
  const deny = el('button', { type: 'button', class: 'secondary deny', onclick: () =>
    act(() => api('POST', '/v1/pairing/pending/' + encodeURIComponent(p.pairingId) + '/deny'), p.deviceName + ' is denied.') },
  'Deny');
  return el('li', { class: 'pending', 'data-pairing': p.pairingId },
    el('div', {}, el('strong', {}, p.deviceName), ' (' + p.platform + ') from ' + p.address),
    el('p', { class: 'small' }, p.requestedScopes.length ? 'It asks for: ' + p.requestedScopes.join(', ') + '. Grant:'
      : 'It asks for nothing in particular; the usual scopes of a phone are ticked. Grant:'),
    scopeList, hint, el('div', { class: 'row' }, approve, deny));
}

async function act(call, message, boxId) {
  try {
    await call();
    notice(message, false, boxId);
  } catch (error) {
    failed(error, boxId);
  }
  await refresh();
}

// ---- discovery ------------------------------------------------------------------------------

const DISCOVERY_MODES = {
  mdns: { name: 'mDNS', meaning: 'Devices on this network find the host by themselves (multicast DNS, as printers are found).' },
  manual: { name: 'manual', meaning: 'Nothing is broadcast: a device connects with the link below, or by scanning its QR code.' },
};

async function loadDiscovery() {
  try {
    renderDiscovery(await api('GET', '/v1/discovery'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw error;
    $('discovery-cause').textContent = error.message + (error.body && error.body.action ? ' ' + error.body.action : '');
  }
}

function renderDiscovery(view) {
  const mode = DISCOVERY_MODES[view.mode] || { name: view.mode, meaning: '' };
  $('discovery').dataset.mode = view.mode;
  $('discovery').dataset.working = String(view.working);
  $('discovery-mode').textContent = mode.name;
  $('discovery-mode').dataset.status = view.working ? 'OK' : 'WARNING';
  $('discovery-meaning').textContent = mode.meaning;
  $('discovery-cause').textContent = (view.working ? '' : 'Not working: ') + view.cause;
  $('discovery-action').textContent = view.action ? 'What to do: ' + view.action : '';
  $('discovery-action').hidden = !view.action;
  const link = view.connectLinks[0] || null;
  $('discovery-connect').hidden = !link;
  if (link !== state.discoveryLink) {
    state.discoveryLink = link;
    $('discovery-link').textContent = link || '';
    // the QR code shows the first link: a new address or key means a new picture, not the cached one
    if (link) $('discovery-qr').src = '/v1/discovery/qr.svg?v=' + Date.now();
    else $('discovery-qr').removeAttribute('src');
  }
  const other = view.mode === 'mdns' ? 'manual' : 'mdns';
  const buttons = [{ key: 'switch-' + other, label: 'Switch to ' + DISCOVERY_MODES[other].name + ' discovery',
    className: view.working ? 'secondary' : '', run: (button) => switchDiscovery(other, button) }];
  if (view.mode === 'mdns' && state.actions['restart-mdns-discovery']) {
    buttons.push({ key: 'restart-mdns-discovery', label: state.actions['restart-mdns-discovery'].label, className: 'secondary',
      run: (button) => runAction('restart-mdns-discovery', button, 'discovery-result') });
  }
  keyed($('discovery-buttons'), buttons, (b) => b.key, (b) => el('button', { type: 'button', class: b.className,
    'data-switch': b.key, onclick: (event) => b.run(event.currentTarget) }, b.label), (node, b) => { node.className = b.className; });
}

async function switchDiscovery(mode, button) {
  button.disabled = true;
  try {
    const view = await api('PUT', '/v1/discovery', { mode });
    renderDiscovery(view);
    notice('Devices now find this host by ' + DISCOVERY_MODES[mode].name + ' discovery'
      + (view.working ? '.' : ', but it does not work yet: ' + view.cause), !view.working, 'discovery-result');
  } catch (error) {
    failed(error, 'discovery-result');
  } finally {
    button.disabled = false;
    await refresh();
  }
}

// ---- permission prompts ---------------------------------------------------------------------

const FILE_VERBS = { read: 'read the file', write: 'write the file', edit: 'change the file' };

async function loadPermissions() {
  let prompts, rules;
  try {
    [prompts, rules] = await Promise.all([api('GET', '/v1/permissions'), api('GET', '/v1/permissions/rules')]);
  } catch (error) {
    if (error instanceof ApiError && error.status === 503) {
      // the permissions bundle is stopped: say so instead of "nothing is waiting"
      $('no-prompts').textContent = error.message;
      $('no-prompts').hidden = false;
      return;
    }
    throw error;
  }
  // a device paired since the last refresh: learn its name before naming it in a question or rule
  const named = [...prompts.map((p) => p.deviceId), ...rules.map((r) => r.deviceId)];
  if (named.some((id) => id && id !== 'admin' && !state.deviceNames.has(id))) await loadDevices();
  state.prompts = new Map(prompts.map((p) => [p.id, p]));
  $('no-prompts').textContent = 'No task is waiting for an answer.';
  $('no-prompts').hidden = prompts.length > 0;
  keyed($('prompt-list'), prompts, (p) => p.id, renderPrompt);
  $('prompt-count').textContent = String(prompts.length);
  $('prompt-count').hidden = prompts.length === 0;
  tickPrompts();
  $('no-rules').hidden = rules.length > 0;
  keyed($('rule-list'), rules, (r) => r.id, renderRule);
}

function deviceName(deviceId) {
  return state.deviceNames.get(deviceId) || deviceId;
}

/** Whose tasks a question or rule is about, in words. */
function ownerWords(deviceId) {
  return deviceId && deviceId !== 'admin' ? 'tasks of ' + deviceName(deviceId) : 'tasks you start on this host';
}

const mono = (text) => el('span', { class: 'mono' }, text);

/** One question: what the call would do, who asks and why, how long it waits, and the three answers. */
function renderPrompt(p) {
  const what = [];
  if (p.tool === 'bash') {
    what.push(el('p', { class: 'what' }, 'A task wants to run this command in ', mono(p.workspace), ':'),
      el('pre', { class: 'command mono' }, p.command));
  } else if (p.path && FILE_VERBS[p.tool]) {
    what.push(el('p', { class: 'what' }, 'A task wants to ' + FILE_VERBS[p.tool] + ' ', mono(p.path), ' (folder ', mono(p.workspace), ').'),
      el('p', { class: 'small' }, p.summary));
  } else {
    what.push(el('p', { class: 'what' }, 'A task wants to use the tool “' + p.tool + '” in ', mono(p.workspace), ': ' + p.summary));
  }
  if (p.preview) {
    what.push(el('pre', { class: 'preview mono' }, ...p.preview.split('\n').map((line) =>
      el('span', { class: line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : '' }, line + '\n'))));
  }
  const message = el('input', { type: 'text', class: 'message', maxLength: 500, autocomplete: 'off',
    placeholder: 'Message for the task (optional)', ariaLabel: 'Message for the task' });
  const item = el('li', { class: 'prompt', 'data-prompt': p.id, 'data-task': p.taskId },
    el('div', { class: 'prompt-head' }, el('span', { class: 'pill', 'data-status': 'waiting_permission' }, p.tool),
      el('span', { class: 'left' })),
    ...what,
    el('p', { class: 'why' }, 'Why it asks: ', el('strong', {}, p.policy), ' — ' + p.reason),
    el('p', { class: 'small' }, 'Task ', mono(p.taskId), ', step ' + (p.step + 1) + ' (' + p.runtime + '), one of the '
      + ownerWords(p.deviceId) + '.'),
    message);
  const always = p.alwaysAllows.length ? el('p', { class: 'small always-note' }, '“Always allow” runs it now and, from then on without asking, ',
    ...alwaysWords(p), ' — for the ' + ownerWords(p.deviceId) + ', in ', mono(p.workspace), ' only. You can forget the rule below.') : null;
  item.append(el('div', { class: 'row' },
    el('button', { type: 'button', class: 'allow-once', onclick: () => answer(p, 'once', item) }, 'Allow once'),
    always ? el('button', { type: 'button', class: 'secondary always', onclick: () => answer(p, 'always', item) }, 'Always allow') : null,
    el('button', { type: 'button', class: 'secondary reject', onclick: () => answer(p, 'reject', item) }, 'Reject')), always);
  return item;
}

/** What an "always" answer would allow: the patterns of a bash line's commands, or the file. */
function alwaysWords(p) {
  const words = [p.tool === 'bash' ? 'every command matching ' : 'every ' + p.tool + ' of '];
  p.alwaysAllows.forEach((pattern, i) => {
    if (i > 0) words.push(i === p.alwaysAllows.length - 1 ? ' and ' : ', ');
    words.push(el('code', {}, pattern));
  });
  return words;
}

async function answer(p, reply, item) {
  const buttons = [...item.querySelectorAll('button')];
  buttons.forEach((button) => { button.disabled = true; });
  const message = item.querySelector('input.message').value.trim();
  // this page's own answer comes back as an event too: the reply's result says it better
  state.answeredHere.add(p.id);
  try {
    // the answer repeats the question's binding: the host takes it for this call only, once, in time
    const outcome = await api('POST', '/v1/permissions/' + encodeURIComponent(p.id) + '/reply', { taskId: p.taskId,
      callId: p.callId, argsHash: p.argsHash, nonce: p.nonce, reply, message: message || null });
    notice('Task ' + p.taskId + ': ' + outcome.message + '.', !outcome.allowed, 'prompt-result', outcome.decision);
  } catch (error) {
    failed(error, 'prompt-result');
  } finally {
    buttons.forEach((button) => { button.disabled = false; });
    await loadPermissions().catch(failed);
  }
}

function renderRule(r) {
  const what = r.tool === 'bash' ? 'run commands matching ' : r.tool + ' ';
  return el('li', { class: 'rule', 'data-rule': r.id },
    el('div', {}, el('code', {}, r.pattern), ' ', el('span', { class: 'pill' }, r.tool)),
    el('p', { class: 'small' }, 'The ' + ownerWords(r.deviceId) + ' may ' + what, el('code', {}, r.pattern),
      ' without asking, in ', mono(r.workspace), ' only. Since ' + when(r.createdAt) + ', by ' + deviceName(r.createdBy) + '.'),
    el('div', { class: 'row' }, el('button', { type: 'button', class: 'secondary forget', onclick: () =>
      act(() => api('DELETE', '/v1/permissions/rules/' + encodeURIComponent(r.id)),
        'Forgotten: ' + r.pattern + ' is asked about again in ' + r.workspace + '.', 'prompt-result') }, 'Forget')));
}

/** The countdowns, once a second: the host rejects a question nobody answers by its expiry. */
function tickPrompts() {
  const now = Date.now() + state.clockOffset;
  for (const item of $('prompt-list').children) {
    const p = state.prompts.get(item.dataset.key);
    if (!p) continue;
    const left = Math.ceil((Date.parse(p.expiresAt) - now) / 1000);
    item.querySelector('.left').textContent = left > 0
      ? 'No answer in ' + Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0') + ' means reject'
      : 'Time is up: the host rejects it';
    item.classList.toggle('late', left <= 10);
  }
}

// ---- devices --------------------------------------------------------------------------------

async function loadDevices() {
  const devices = await api('GET', '/v1/devices');
  state.deviceNames = new Map(devices.map((d) => [d.id, d.name]));
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
  const note = (kind, text, id) => {
    lines.append(el('span', { class: 'meta ' + kind, 'data-event': id }, text + '\n'));
    lines.scrollTop = lines.scrollHeight;
  };
  source.addEventListener('task.state', (message) => {
    const event = JSON.parse(message.data);
    $('log-state').textContent = event.state;
    $('log-state').dataset.status = event.state;
    if (event.text && !['running', 'waiting_permission', 'queued'].includes(event.state)) {
      note('state ' + event.state, '— ' + event.state + ': ' + event.text, event.id);
    }
  });
  source.addEventListener('permission.asked', (message) => {
    const event = JSON.parse(message.data);
    const prompt = event.permission || {};
    note('permission', '? waits for permission: ' + (prompt.summary || prompt.tool) + ' (' + prompt.policy + ': '
      + prompt.reason + '). Answer it under Permission prompts.', event.id);
  });
  source.addEventListener('permission.replied', (message) => {
    const event = JSON.parse(message.data);
    const outcome = event.permission || {};
    note(outcome.allowed ? 'permission allowed' : 'permission refused', (outcome.allowed ? '✓ ' : '✗ ') + outcome.message, event.id);
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
  let prompts = null;
  const promptsSoon = () => {
    if (!prompts) prompts = setTimeout(() => { prompts = null; loadPermissions().catch(failed); }, 100);
  };
  source.addEventListener('permission.asked', promptsSoon);
  source.addEventListener('permission.replied', (message) => {
    // a question settled elsewhere (the phone, the console, its timeout) says how, rather than vanish
    const event = JSON.parse(message.data);
    const outcome = event.permission;
    if (outcome && typeof outcome === 'object' && !state.answeredHere.has(outcome.promptId)) {
      notice('Task ' + event.taskId + ': ' + outcome.message + '.', !outcome.allowed, 'prompt-result', outcome.decision);
    }
    promptsSoon();
  });
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
    // device names first: the questions and rules name the device they are about
    await Promise.all([loadPairing(), loadDevices().then(loadPermissions), loadDiscovery(), loadTasks(), loadMetrics()]);
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
  setInterval(tickPrompts, 1000);
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
