// Baton admin page: polls small JSON views under /api/ and renders them. No framework, no CDN.
'use strict';

const state = { tab: 'cluster', path: '/', cursor: 0, node: null, sessionsAfter: '0' };

const $ = (sel) => document.querySelector(sel);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('data-')) e.setAttribute(k, v); else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

function row(...cells) { return el('tr', {}, ...cells.map((c) => (c instanceof Node && c.tagName === 'TD') ? c : el('td', {}, c))); }

async function api(path) {
  const r = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.message || (r.status + ' ' + r.statusText));
  return body;
}

function ago(ms) { return ms == null ? '–' : ms < 1000 ? ms + ' ms ago' : (ms / 1000).toFixed(1) + ' s ago'; }

// ------------------------------------------------------------------ cluster
async function refreshStatus() {
  let s;
  try {
    s = await api('/api/status');
  } catch (e) {
    $('#summary').textContent = 'node unreachable: ' + e.message;
    $('#ready').className = 'badge bad';
    $('#ready').textContent = 'down';
    return;
  }
  const r = s.raft;
  $('#self-id').textContent = s.nodeId;
  $('#summary').textContent = 'node ' + s.nodeId + (r ? ' · ' + r.role + ' · term ' + r.term + ' · leader ' + (r.leader || 'none') : ' · standalone')
    + (s.node ? ' · zxid ' + s.node.zxid : '');
  $('#ready').className = 'badge ' + (s.ready ? 'ok' : 'bad');
  $('#ready').textContent = s.ready ? 'ready' : 'not ready';
  renderMembers(s);
  const n = s.node || {};
  const stats = $('#node-stats tbody');
  stats.replaceChildren(...[['znodes', n.znodes], ['data bytes', n.dataBytes], ['sessions', n.sessions], ['watches', n.watches],
    ['outstanding writes', n.outstanding], ['durability', s.durability], ['enforceAuth', s.enforceAuth],
    ['log bytes', s.disk && s.disk.logBytes], ['snapshot bytes', s.disk && s.disk.snapshotBytes]]
    .map(([k, v]) => row(k, v)));
  $('#checks').replaceChildren(...s.checks.map((c) => el('li', { class: c.ok ? 'ok' : 'bad', 'data-check': c.name },
    c.name + (c.ok ? '' : ': ' + c.reason))));
  $('#updated').textContent = new Date().toLocaleTimeString();
}

function renderMembers(s) {
  const body = $('#members tbody');
  const r = s.raft;
  const rows = [];
  if (!r) {
    rows.push(memberRow({ id: s.nodeId, role: 'standalone', up: true, self: true, term: '–', commit: '–', applied: s.node && s.node.zxid }));
    $('#members-note').textContent = 'A lone node.';
  } else {
    rows.push(memberRow({ id: r.id, role: r.role, up: true, self: true, term: r.term, commit: r.commitIndex, applied: r.appliedIndex,
      match: r.lastIndex, lag: 0, contact: 'this node' }));
    for (const p of r.peers) {
      rows.push(memberRow({ id: p.id, role: p.id === r.leader ? 'leader' : (r.role === 'leader' ? 'follower' : '?'), up: p.up,
        term: '', commit: '', applied: '', match: p.matchIndex < 0 ? '–' : p.matchIndex, lag: p.lag < 0 ? '–' : p.lag,
        contact: ago(p.lastContactMsAgo), rtt: p.rttMs == null ? '–' : p.rttMs.toFixed(2) + ' ms' }));
    }
    $('#members-note').textContent = r.role === 'leader'
      ? 'This node leads: it hears from every member, so match index, lag and last contact are current.'
      : 'Only the leader hears from every member; open the leader\'s page (node ' + (r.leader || 'none') + ') for match index and lag.';
  }
  body.replaceChildren(...rows);
}

function memberRow(m) {
  const tr = row(m.id, m.role, el('td', {}, el('span', { class: 'state ' + (m.up ? 'up' : 'down') }, m.up ? 'up' : 'down')),
    m.term, m.commit, m.applied, m.match == null ? '–' : m.match, m.lag == null ? '–' : m.lag, m.contact || '–', m.rtt || '–');
  tr.setAttribute('data-id', m.id);
  tr.setAttribute('data-state', m.up ? 'up' : 'down');
  if (m.self) tr.className = 'self';
  return tr;
}

// ------------------------------------------------------------------ tree
function child(path, name) { return (path === '/' ? '' : path) + '/' + name; }

async function openPath(path) {
  state.path = path;
  state.cursor = 0;
  $('#children').replaceChildren();
  renderCrumbs();
  await Promise.all([loadChildren(), loadNode()]);
}

function renderCrumbs() {
  const parts = state.path.split('/').filter(Boolean);
  const links = [el('a', { href: '#', 'data-path': '/' }, '/')];
  let p = '';
  for (const part of parts) {
    p += '/' + part;
    links.push(el('a', { href: '#', 'data-path': p }, part + '/'));
  }
  $('#crumbs').replaceChildren(...links);
}

async function loadChildren() {
  try {
    const page = await api('/api/tree?path=' + encodeURIComponent(state.path) + '&cursor=' + state.cursor + '&limit=100');
    $('#tree-error').textContent = '';
    const ul = $('#children');
    for (const name of page.children) {
      ul.append(el('li', {}, el('a', { href: '#', 'data-name': name, 'data-path': child(state.path, name) }, name)));
    }
    $('#child-count').textContent = page.total + ' in all';
    state.cursor = page.next;
    $('#more').hidden = page.next < 0;
  } catch (e) {
    $('#tree-error').textContent = state.path + ': ' + e.message;
  }
}

async function loadNode() {
  try {
    state.node = await api('/api/node?path=' + encodeURIComponent(state.path) + '&max=16384');
    renderNode();
  } catch (e) {
    $('#tree-error').textContent = state.path + ': ' + e.message;
  }
}

function renderNode() {
  const n = state.node;
  if (!n) return;
  const bytes = Uint8Array.from(atob(n.data), (c) => c.charCodeAt(0));
  const as = document.querySelector('input[name=as]:checked').value;
  let text;
  if (as === 'hex') {
    const lines = [];
    for (let i = 0; i < bytes.length; i += 16) {
      const chunk = Array.from(bytes.slice(i, i + 16));
      lines.push(i.toString(16).padStart(6, '0') + '  ' + chunk.map((b) => b.toString(16).padStart(2, '0')).join(' '));
    }
    text = lines.join('\n');
  } else {
    text = new TextDecoder('utf-8').decode(bytes);
    if (as === 'json') {
      try { text = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { text = '(not JSON: ' + e.message + ')\n' + text; }
    }
  }
  $('#data').textContent = text + (n.truncated ? '\n… (' + n.stat.dataLength + ' bytes in all)' : '');
  $('#data-size').textContent = n.stat.dataLength + ' bytes';
  $('#stat tbody').replaceChildren(...Object.entries(n.stat).map(([k, v]) => row(k, k.endsWith('time') && v ? new Date(v).toISOString() : v)));
  $('#acl tbody').replaceChildren(...n.acl.map((a) => row(a.scheme, a.id, a.perms)));
}

// ------------------------------------------------------------------ sessions, recipes, kafka
async function loadSessions(more) {
  if (!more) { state.sessionsAfter = '0'; $('#sessions tbody').replaceChildren(); }
  const page = await api('/api/sessions?limit=100&after=' + state.sessionsAfter);
  for (const s of page.sessions) {
    $('#sessions tbody').append(row(s.id, s.timeoutMs, s.ephemerals, s.clientAddress || '(another node)'));
    state.sessionsAfter = s.id;
  }
  $('#sessions-more').hidden = page.sessions.length < 100;
}

async function loadRecipes() {
  const r = await api('/api/recipes');
  $('#locks tbody').replaceChildren(...r.locks.map((l) => {
    const h = l.holders[0] || {};
    return row(l.name, h.owner || '(free)', h.session || '', h.token == null ? '' : h.token, l.contenders);
  }));
  $('#elections tbody').replaceChildren(...r.elections.map((e) => row(e.name, e.leader || '(none)', e.session || '', e.token == null ? '' : e.token, e.candidates)));
  $('#groups tbody').replaceChildren(...r.groups.map((g) => row(g.name, g.members.join(', ') + (g.total > g.members.length ? ' …' : ''), g.total)));
  $('#queues tbody').replaceChildren(...r.queues.map((q) => row(q.name, q.depth, q.taken)));
}

async function loadKafka() {
  const k = await api('/api/kafka');
  $('#kafka').textContent = k.deployed ? JSON.stringify(k.status, null, 2) : 'No Kafka bridge in this node\'s JVM (' + k.reason + '). A standalone bridge (BridgeMain) reports on its own admin port (default 8191): /readyz?verbose, /metrics, /api/kafka.';
}

const loaders = { cluster: refreshStatus, tree: loadNode, sessions: () => loadSessions(false), recipes: loadRecipes, kafka: loadKafka };

function show(tab) {
  state.tab = tab;
  for (const b of document.querySelectorAll('nav button')) b.classList.toggle('active', b.dataset.tab === tab);
  for (const s of document.querySelectorAll('main section')) s.hidden = s.id !== 'tab-' + tab;
  if (tab === 'tree' && !state.node) openPath(state.path); else loaders[tab]().catch(() => {});
}

document.addEventListener('click', (ev) => {
  const t = ev.target;
  if (t.matches('nav button')) { show(t.dataset.tab); }
  else if (t.matches('#children a, #crumbs a')) { ev.preventDefault(); openPath(t.dataset.path); }
  else if (t.matches('#more')) { loadChildren(); }
  else if (t.matches('#sessions-more')) { loadSessions(true); }
});
document.addEventListener('change', (ev) => { if (ev.target.name === 'as') renderNode(); });

// live updates: the status every second, the open tab's view every two
setInterval(() => refreshStatus(), 1000);
setInterval(() => { if (state.tab !== 'cluster') loaders[state.tab]().catch(() => {}); }, 2000);
const start = new URLSearchParams(location.search);
if (start.get('path')) state.path = start.get('path');
refreshStatus();
show(start.get('tab') || 'cluster');
