/* The live session console (DESIGN §5).
 *
 * - Every entry typed goes first into localStorage ("pending"), shown as not saved, then is
 *   sent in order with its UUID until the server answers; a retried send never duplicates it
 *   (the server keys entries by UUID). Reloading the page keeps and resends pending entries.
 * - Edits carry the version they started from; a 409 shows both texts to merge.
 * - The page polls the console state with If-None-Match; an unchanged console answers 304.
 *   The first poll loads everything; later ones send ?since=<revision> and the server answers
 *   only the entries and speakers changed after it, merged here by uuid / id.
 * - User text is only ever put in the page with textContent (never innerHTML).
 * - Offline (issue 13): a service worker (templates/sessions/console_sw.js) keeps a copy of this
 *   page, its static files and the state held here, so a reload without network still opens
 *   the console with the pending entries, which are sent when the network returns. Pending
 *   entries are kept per user and per session; the CSRF token is read from its cookie, as the
 *   copy of the page may carry the token of an older login.
 * - Keyboard (issue 13): focus stays where the secretary works when the lists are redrawn; the
 *   timer is not a live region, #speaker-announce says only the moments that matter.
 */
(function () {
  "use strict";

  var root = document.getElementById("console");
  if (!root) return;
  var T = JSON.parse(document.getElementById("console-text").textContent);
  var data = root.dataset;
  var KEY = "doithoai:pending:" + data.user + ":" + data.session;
  var LEGACY_KEY = "doithoai:pending:" + data.session; // before pending entries were per user
  var POLL_MS = 2000;
  var RETRY_MS = 3000;

  var state = null; // last state from the server
  var fromCopy = false; // the state is the worker's copy (a reload without network)
  var etag = null;
  var clockOffset = 0; // server time minus browser time, for the timer
  var flushing = false;
  var retryTimer = null;
  var editing = new Map(); // uuid -> {kind, speaker, text, base_version, conflict}
  var nodes = new Map(); // uuid -> {sig, el} for entries not being edited
  var focusAfter = null; // uuid of the entry to focus once it is drawn (after "Save" or "Cancel")
  var spoken = {calledAt: null, minute: false, over: false}; // what #speaker-announce has said

  // --- helpers ---------------------------------------------------------------------------

  function uuid4() {
    // crypto.randomUUID needs a secure context; a commune hall's LAN is often plain http.
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10, 16).join("");
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function loadPending() {
    try {
      var list = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }

  function savePending(list) {
    localStorage.setItem(KEY, JSON.stringify(list));
  }

  function adoptLegacyPending() {
    var legacy;
    try { legacy = JSON.parse(localStorage.getItem(LEGACY_KEY) || "[]"); } catch (e) { legacy = []; }
    if (!Array.isArray(legacy) || !legacy.length) return;
    savePending(loadPending().concat(legacy));
    localStorage.removeItem(LEGACY_KEY);
  }

  function setConnection(ok, message) {
    var badge = document.getElementById("connection");
    var text = message || (ok ? T.online : (fromCopy ? T.offline_copy : T.offline));
    // A live region: rewritten only when it changes, or it is read out at every poll.
    if (badge.textContent !== text) badge.textContent = text;
    badge.className = "badge " + (ok ? "text-bg-success" : "text-bg-warning");
  }

  // The cookie, not the page: a copy of the page opened offline may predate the last login.
  function csrfToken() {
    var name = data.csrfCookie + "=";
    var found = document.cookie.split("; ").filter(function (c) { return c.indexOf(name) === 0; })[0];
    return found ? decodeURIComponent(found.slice(name.length)) : data.csrf;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(body || {}),
    });
  }

  function announce(text) {
    document.getElementById("speaker-announce").textContent = text;
  }

  // --- the offline copy ------------------------------------------------------------------

  function noop() {}

  function offlineCopies() {
    if (!window.caches || !data.offlineCache || !("serviceWorker" in navigator)) return null;
    if (document.documentElement.dataset.offlineCleared) return null; // logging out
    return caches.open(data.offlineCache);
  }

  // The page and its static files, once: the worker keeps them fresh on later visits.
  function ensurePageCopy() {
    var opened = offlineCopies();
    if (!opened) return Promise.resolve();
    return opened.then(function (cache) {
      return cache.match(data.scope).then(function (hit) {
        if (hit) return;
        var assets = Array.prototype.map.call(
          document.querySelectorAll("script[src], link[rel=stylesheet][href]"),
          function (node) { return node.src || node.href; });
        return Promise.all(assets.map(function (url) { return cache.add(url).catch(noop); }))
          .then(function () { return cache.add(data.scope); });
      });
    }).catch(noop);
  }

  // The state as this page holds it (deltas merged), for a reload without network.
  function saveStateCopy() {
    var opened = offlineCopies();
    if (!opened || !state) return;
    var copy = Object.assign({}, state, {since: null});
    opened.then(function (cache) {
      return cache.put(data.stateUrl, new Response(JSON.stringify(copy), {
        headers: {"Content-Type": "application/json"},
      }));
    }).then(ensurePageCopy).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      root.dataset.offlineReady = "1"; // tests wait for it before cutting the network
    }).catch(noop);
  }

  function setupOffline() {
    if (!("serviceWorker" in navigator) || !data.swUrl) return; // plain http on a LAN: none
    navigator.serviceWorker.register(data.swUrl, {scope: data.scope}).then(saveStateCopy, noop);
  }

  function isJson(response) {
    return (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
  }

  // --- saving: pending entries, in order -------------------------------------------------

  function queueSave(item) {
    var list = loadPending();
    list.push(item);
    savePending(list);
    render();
    flush();
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, RETRY_MS);
  }

  function flush() {
    if (flushing) return;
    var list = loadPending().filter(function (i) { return !i.error; });
    if (!list.length) return;
    flushing = true;
    var item = list[0];
    post(data.saveUrl, item).then(function (response) {
      if (response.redirected || !isJson(response)) {
        setConnection(false, T.logged_out);
        throw new Error("not json");
      }
      return response.json().then(function (body) {
        var rest = loadPending();
        if (response.status === 200 || response.status === 201) {
          rest = rest.filter(function (i) { return i.key !== item.key; });
          savePending(rest);
          mergeEntry(body.entry);
          setConnection(true);
          saveStateCopy();
        } else if (response.status === 409) {
          rest = rest.filter(function (i) { return i.key !== item.key; });
          savePending(rest);
          editing.set(item.uuid, {
            kind: body.current.kind, speaker: body.current.speaker, text: body.attempted_text,
            given_by: body.current.given_by,
            base_version: body.current.version, conflict: body.current, message: body.message,
          });
          mergeEntry(body.current);
        } else if (response.status >= 400 && response.status < 500) {
          // Refused for good (finalised minutes, bad data): keep the text, show why.
          var errors = body.errors || {};
          var text = Object.keys(errors).map(function (k) { return errors[k].join(" "); }).join(" ");
          rest.forEach(function (i) { if (i.key === item.key) i.error = text || String(response.status); });
          savePending(rest);
        } else {
          throw new Error("server " + response.status);
        }
      });
    }).then(function () {
      flushing = false;
      render();
      flush();
    }, function () {
      flushing = false;
      if (navigator.onLine === false) setConnection(false);
      render();
      scheduleRetry();
    });
  }

  function mergeById(list, rows, key) {
    var index = new Map();
    list.forEach(function (row, i) { index.set(row[key], i); });
    rows.forEach(function (row) {
      if (index.has(row[key])) list[index.get(row[key])] = row;
      else { index.set(row[key], list.length); list.push(row); }
    });
    return list;
  }

  // A delta (body.since set) merged into the state it was asked for; a full state replaces it.
  function applyState(body) {
    if (body.since === null || body.since === undefined || !state) return body;
    var next = Object.assign({}, body);
    next.entries = mergeById(state.entries.slice(), body.entries, "uuid");
    next.entries.sort(function (a, b) { return a.seq - b.seq; });
    next.speakers = mergeById(state.speakers.slice(), body.speakers, "id");
    next.speakers.sort(function (a, b) { return a.position - b.position || a.id - b.id; });
    return next;
  }

  function mergeEntry(entry) {
    if (!state || !entry) return;
    var found = false;
    state.entries = state.entries.map(function (e) {
      if (e.uuid === entry.uuid) { found = true; return entry; }
      return e;
    });
    if (!found) state.entries.push(entry);
    state.entries.sort(function (a, b) { return a.seq - b.seq; });
  }

  // --- polling ---------------------------------------------------------------------------

  function poll() {
    var headers = {};
    if (etag) headers["If-None-Match"] = etag;
    var sent = Date.now();
    var url = data.stateUrl;
    // Only with a tag: the tag and the revision come from the same answer.
    if (state && etag) url += (url.indexOf("?") < 0 ? "?" : "&") + "since=" + encodeURIComponent(state.revision);
    return fetch(url, {credentials: "same-origin", cache: "no-store", headers: headers})
      .then(function (response) {
        if (response.status === 304) { setConnection(true); return; }
        if (!response.ok || response.redirected || !isJson(response)) throw new Error("state");
        if (response.headers.get("X-Offline-Copy")) {
          // The worker's copy: the network is down. It opens a console reloaded offline; a
          // console already open keeps what it holds.
          if (state) { setConnection(false); return; }
          return response.json().then(function (body) {
            state = body;
            fromCopy = true;
            setConnection(false);
            render();
          });
        }
        return response.json().then(function (body) {
          etag = response.headers.get("ETag");
          state = applyState(body);
          fromCopy = false;
          // The server's clock at the middle of the round trip: a slow answer skews less.
          clockOffset = new Date(body.now).getTime() - (sent + Date.now()) / 2;
          setConnection(true);
          render();
          saveStateCopy();
          loadMissingCapture();
        });
      })
      .catch(function () { setConnection(false); });
  }

  // --- rendering -------------------------------------------------------------------------

  function speakerName(id) {
    if (!state || !id) return "";
    var s = state.speakers.find(function (x) { return String(x.id) === String(id); });
    return s ? s.name : "";
  }

  function kindLabel(kind) {
    if (kind === "conclusion") return T.conclusion;
    var option = document.querySelector('#entry-kind option[value="' + kind + '"]');
    return option ? option.textContent : kind;
  }

  function entryNode(entry, pending) {
    var sig = JSON.stringify([entry, pending && pending.error, !!pending]);
    var cached = nodes.get(entry.uuid);
    if (cached && cached.sig === sig) return cached.el;
    var head = el("div", {className: "small text-muted"}, [
      el("span", {text: (entry.seq ? entry.seq + ". " : "") + kindLabel(entry.kind)}),
      entry.speaker ? el("span", {text: " · " + (entry.speaker_name || speakerName(entry.speaker))}) : null,
      entry.given_by ? el("span", {className: "entry-given-by", text: " · " + T.given_by + " " + entry.given_by}) : null,
      entry.by ? el("span", {text: " · " + entry.by + (entry.at ? " " + entry.at : "")}) : null,
    ]);
    var body = el("p", {className: "mb-1 entry-text", text: pending ? pending.text : entry.text});
    var li = el("li", {className: "entry mb-2 p-2 border rounded", "data-uuid": entry.uuid, tabindex: "-1"}, [head, body]);
    if (pending) {
      li.classList.add("entry-pending");
      head.appendChild(el("span", {className: "badge text-bg-warning ms-2 unsaved", text: T.unsaved}));
      if (pending.error) li.appendChild(el("div", {className: "text-danger small", role: "alert", text: T.failed + " " + pending.error}));
    } else if (state && !state.final) {
      var edit = el("button", {type: "button", className: "btn btn-sm btn-link p-0 me-3 entry-edit", text: T.edit, "data-role": "edit"});
      edit.addEventListener("click", function () {
        editing.set(entry.uuid, {kind: entry.kind, speaker: entry.speaker, text: entry.text,
          given_by: entry.given_by || "", base_version: entry.version});
        render();
        var area = nodes.get(entry.uuid).el.querySelector("textarea");
        area.focus();
        area.setSelectionRange(area.value.length, area.value.length);
      });
      var petition = el("button", {type: "button", className: "btn btn-sm btn-link p-0 entry-petition", text: T.petition, "data-role": "petition"});
      petition.addEventListener("click", function () {
        captureFocus = true;
        var url = data.captureUrl + "?entry=" + encodeURIComponent(entry.uuid) +
          (entry.speaker ? "&speaker=" + encodeURIComponent(entry.speaker) : "");
        if (window.htmx) window.htmx.ajax("GET", url, {target: "#capture", swap: "innerHTML"});
      });
      li.appendChild(el("div", {}, [edit, petition]));
    }
    nodes.set(entry.uuid, {sig: sig, el: li});
    return li;
  }

  function editorNode(uuid) {
    var cached = nodes.get(uuid);
    if (cached && cached.sig === "editor") return cached.el;
    var edit = editing.get(uuid);
    var area = el("textarea", {className: "form-control mb-2 entry-editor", rows: "4", "data-role": "editor",
      "aria-label": T.edit_entry});
    area.value = edit.text;
    area.addEventListener("input", function () { edit.text = area.value; });
    var save = el("button", {type: "button", className: "btn btn-sm btn-primary me-2 entry-save", text: T.save});
    var cancel = el("button", {type: "button", className: "btn btn-sm btn-outline-secondary", text: T.cancel});
    var children = [];
    if (edit.conflict) {
      children.push(el("div", {className: "alert alert-warning small mb-2 conflict", role: "alert", text: edit.message}));
      children.push(el("div", {className: "small text-muted", text: T.conflict_saved + " (" + edit.conflict.by + ")"}));
      children.push(el("blockquote", {className: "border-start ps-2 conflict-saved", text: edit.conflict.text}));
      children.push(el("div", {className: "small text-muted", text: T.conflict_yours}));
    }
    children.push(area, save, cancel);
    var li = el("li", {className: "entry mb-2 p-2 border rounded border-primary", "data-uuid": uuid, tabindex: "-1"}, children);
    save.addEventListener("click", function () {
      editing.delete(uuid);
      nodes.delete(uuid);
      focusAfter = uuid; // the edited entry, where the secretary just worked
      queueSave({key: uuid4(), uuid: uuid, kind: edit.kind, speaker: edit.speaker, text: area.value,
        given_by: edit.given_by || "", base_version: edit.base_version, typed_at: new Date().toISOString()});
    });
    cancel.addEventListener("click", function () {
      editing.delete(uuid);
      nodes.delete(uuid);
      focusAfter = uuid;
      render();
    });
    nodes.set(uuid, {sig: "editor", el: li});
    return li;
  }

  // Where the focus is among redrawn rows (`key` names the rows' id attribute), to put it back
  // on the same row (and the same button of it) when the redraw removed the focused element.
  function focusMark(key) {
    var active = document.activeElement;
    var row = active && active.closest ? active.closest("[" + key + "]") : null;
    if (!row) return null;
    return {active: active, id: row.getAttribute(key), role: active === row ? null : (active.dataset.role || active.dataset.to)};
  }

  function focusRestore(mark, key, scope) {
    if (!mark || document.contains(mark.active)) return;
    var row = scope.querySelector("[" + key + '="' + mark.id + '"]');
    if (!row) return;
    var target = mark.role && row.querySelector('[data-role="' + mark.role + '"], [data-to="' + mark.role + '"]');
    (target || row.querySelector(".entry-editor") || row).focus();
  }

  function renderEntries() {
    var mark = focusMark("data-uuid");
    var pending = loadPending();
    // The chair's conclusion is its own part of the page (and of the minutes).
    var wanted = {entries: [], "conclusion-entries": []};
    function listOf(kind) { return kind === "conclusion" ? wanted["conclusion-entries"] : wanted.entries; }
    var seen = new Set();
    (state ? state.entries : []).forEach(function (entry) {
      seen.add(entry.uuid);
      if (editing.has(entry.uuid)) { listOf(entry.kind).push(editorNode(entry.uuid)); return; }
      var edit = pending.filter(function (p) { return p.uuid === entry.uuid; }).pop();
      listOf(entry.kind).push(entryNode(entry, edit));
    });
    pending.forEach(function (p) {
      if (seen.has(p.uuid)) return;
      seen.add(p.uuid);
      listOf(p.kind).push(entryNode({uuid: p.uuid, kind: p.kind, speaker: p.speaker, text: p.text,
        given_by: p.given_by}, p));
    });
    Object.keys(wanted).forEach(function (id) {
      var list = document.getElementById(id);
      // Move only what moved, so an open editor keeps its focus and cursor.
      wanted[id].forEach(function (node, i) {
        if (list.children[i] !== node) list.insertBefore(node, list.children[i] || null);
      });
      while (list.children.length > wanted[id].length) list.removeChild(list.lastChild);
    });
    if (focusAfter) {
      var row = root.querySelector('li[data-uuid="' + focusAfter + '"]');
      focusAfter = null;
      if (row) { row.focus(); return; }
    }
    focusRestore(mark, "data-uuid", root);
  }

  // The server's field errors of a refused action, said to the secretary (never silently).
  function alertErrors(response) {
    if (response.ok || !isJson(response)) return null;
    return response.json().then(function (body) {
      var errors = body.errors || {};
      window.alert(Object.keys(errors).map(function (k) { return errors[k].join(" "); }).join(" "));
    });
  }

  function statusButton(speaker, to, label, css) {
    var b = el("button", {type: "button", className: "btn btn-sm " + css, text: label, "data-to": to});
    b.addEventListener("click", function () {
      var reason = "";
      if (to === "refused") {
        reason = window.prompt(T.refuse_reason);
        if (reason === null) return;  // cancelled: nothing asked of the server
      }
      // An empty reason goes to the server, which answers why it is refused.
      post(data.statusUrl.replace("/0/", "/" + speaker.id + "/"), {to: to, reason: reason})
        .then(alertErrors)
        .then(function () { return poll(); });
    });
    return b;
  }

  function renderQueue() {
    var queue = document.getElementById("queue");
    var select = document.getElementById("entry-speaker");
    var chosen = select.value;
    var mark = focusMark("data-id");
    queue.replaceChildren();
    var current = null;
    state.speakers.forEach(function (s) {
      if (s.status === "speaking") current = s;
      var buttons = el("div", {className: "d-flex flex-wrap gap-1 mt-1"});
      if (s.status === "waiting") {
        buttons.appendChild(statusButton(s, "speaking", T.call, "btn-outline-primary"));
        buttons.appendChild(statusButton(s, "absent", T.absent, "btn-outline-secondary"));
        buttons.appendChild(statusButton(s, "withdrawn", T.withdrawn, "btn-outline-secondary"));
        buttons.appendChild(statusButton(s, "refused", T.refuse, "btn-outline-danger"));
      } else if (s.status === "speaking") {
        buttons.appendChild(statusButton(s, "spoke", T.spoke, "btn-outline-success"));
        buttons.appendChild(statusButton(s, "refused", T.refuse, "btn-outline-danger"));
      } else if (s.status !== "refused") {
        buttons.appendChild(statusButton(s, "waiting", T.requeue, "btn-outline-secondary"));
      }
      queue.appendChild(el("li", {className: "mb-2 speaker speaker-" + s.status, "data-id": String(s.id), tabindex: "-1"}, [
        el("div", {}, [
          el("strong", {text: s.position + ". " + s.name}),
          el("span", {className: "small text-muted", text: " · " + s.address}),
        ]),
        el("div", {className: "small", text: s.status_label + (s.reason ? " — " + s.reason : "") + (s.topic ? " · " + s.topic : "")}),
        buttons,
      ]));
    });
    // The speaker list of the entry form follows the queue; the current speaker is the default.
    var previous = select.dataset.current;
    select.replaceChildren(el("option", {value: "", text: "—"}));
    state.speakers.forEach(function (s) {
      select.appendChild(el("option", {value: String(s.id), text: s.position + ". " + s.name}));
    });
    var now = current ? String(current.id) : "";
    select.value = (chosen && chosen !== previous) ? chosen : now;
    select.dataset.current = now;
    focusRestore(mark, "data-id", queue);
    var box = document.getElementById("current-speaker");
    box.dataset.calledAt = current ? current.called_at : "";
    box.dataset.allotted = current ? current.allotted_seconds : "";
    box.dataset.name = current ? current.name : "";
    tick();
  }

  function two(n) { return String(n).padStart(2, "0"); }

  // The visible timer is no live region (it would be read out every second): the polite
  // #speaker-announce says who has the floor, one minute left and time up, once each.
  function tick() {
    var box = document.getElementById("current-speaker");
    var calledAt = box.dataset.calledAt;
    var name = box.dataset.name;
    if (!calledAt) {
      if (box.dataset.drawn !== "nobody") {
        box.replaceChildren(el("span", {className: "text-muted", text: T.nobody}));
        box.dataset.drawn = "nobody";
      }
      if (state) spoken = {calledAt: "", minute: false, over: false}; // a call from now on is said
      return;
    }
    var elapsed = Math.max(0, Math.floor((Date.now() + clockOffset - new Date(calledAt).getTime()) / 1000));
    var allotted = parseInt(box.dataset.allotted, 10) || 0;
    var over = allotted && elapsed > allotted;
    if (box.dataset.drawn !== calledAt + name) {
      box.replaceChildren(el("div", {className: "fw-semibold", text: name}),
        el("div", {className: "timer display-6", id: "timer"}));
      box.dataset.drawn = calledAt + name;
    }
    var timer = document.getElementById("timer");
    timer.className = "timer display-6" + (over ? " text-danger" : "");
    timer.textContent = two(Math.floor(elapsed / 60)) + ":" + two(elapsed % 60) + " / " +
      two(Math.floor(allotted / 60)) + ":" + two(allotted % 60) + (over ? " · " + T.over_time : "");
    var remaining = allotted - elapsed;
    if (spoken.calledAt !== calledAt) {
      // A page opened mid-turn says nothing; a new turn is said. Moments already past are not.
      if (spoken.calledAt !== null) announce(T.now_speaking + " " + name);
      spoken = {calledAt: calledAt, minute: !allotted || remaining <= 60, over: !allotted || elapsed >= allotted};
    }
    if (!spoken.minute && remaining <= 60) {
      spoken.minute = true;
      announce(T.one_minute + " " + name);
    }
    if (!spoken.over && elapsed >= allotted) {
      spoken.over = true;
      announce(T.time_up + " " + name);
    }
  }

  function render() {
    if (state) {
      document.getElementById("final-notice").classList.toggle("d-none", !state.final);
      document.getElementById("entry-add").disabled = !!state.final;
      document.getElementById("conclusion-add").disabled = !!state.final;
      document.getElementById("console-status").textContent = state.status_label;
      renderQueue();
    }
    renderEntries();
  }

  // --- wiring ----------------------------------------------------------------------------

  document.getElementById("entry-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = document.getElementById("entry-text");
    if (!text.value.trim()) { text.focus(); return; }
    var speaker = document.getElementById("entry-speaker").value;
    var givenBy = document.getElementById("entry-given-by");
    queueSave({
      key: uuid4(), uuid: uuid4(), kind: document.getElementById("entry-kind").value,
      speaker: speaker ? parseInt(speaker, 10) : null, text: text.value,
      given_by: givenBy.value, base_version: null, typed_at: new Date().toISOString(),
    });
    text.value = "";
    givenBy.value = "";
    text.focus();
  });

  document.getElementById("conclusion-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = document.getElementById("conclusion-text");
    if (!text.value.trim()) { text.focus(); return; }
    queueSave({
      key: uuid4(), uuid: uuid4(), kind: "conclusion", speaker: null, text: text.value,
      given_by: document.getElementById("conclusion-given-by").value,
      base_version: null, typed_at: new Date().toISOString(),
    });
    text.value = "";
  });

  document.getElementById("call-next").addEventListener("click", function () {
    post(data.nextUrl).then(alertErrors).then(poll);
  });

  document.getElementById("register-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var out = document.getElementById("register-errors");
    out.textContent = "";
    fetch(data.registerUrl, {
      method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrfToken()},
      body: new FormData(form),
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.ok) { form.reset(); return poll(); }
        var errors = body.errors || {};
        out.textContent = Object.keys(errors).map(function (k) {
          return errors[k].map(function (e) { return e.message || e; }).join(" ");
        }).join(" ");
      });
    }).catch(function () { out.textContent = T.offline; });
  });

  // The petition form (an htmx fragment, petitions/_capture.html): after it is opened from an
  // entry or sent, focus goes to its first error, or to its first field for the next petition.
  var capture = document.getElementById("capture");
  var captureFocus = false;
  var captureOut = document.getElementById("capture-status");
  document.body.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });
  capture.addEventListener("submit", function () { captureFocus = true; captureOut.textContent = ""; });
  capture.addEventListener("htmx:afterSettle", function () {
    if (!captureFocus) return;
    captureFocus = false;
    var target = capture.querySelector(".is-invalid") || document.getElementById("capture-error-summary") ||
      capture.querySelector("#capture-form input:not([type=hidden]), #capture-form select, #capture-form textarea");
    if (target) target.focus();
  });
  var captureMissing = false; // the form never came (a reload offline): fetched again once online
  ["htmx:sendError", "htmx:responseError"].forEach(function (name) {
    capture.addEventListener(name, function () {
      captureFocus = false;
      captureMissing = !capture.querySelector("#capture-form");
      captureOut.textContent = captureMissing ? T.capture_later : T.capture_failed;
    });
  });
  function loadMissingCapture() {
    if (!captureMissing || !window.htmx) return;
    captureMissing = false;
    captureOut.textContent = "";
    window.htmx.ajax("GET", data.captureUrl, {target: "#capture", swap: "innerHTML"});
  }
  window.addEventListener("online", loadMissingCapture);

  document.getElementById("skip-to-entry").addEventListener("click", function (event) {
    event.preventDefault();
    var text = document.getElementById("entry-text");
    text.scrollIntoView({block: "center"});
    text.focus();
  });

  window.addEventListener("online", function () { setConnection(true); flush(); poll(); });
  window.addEventListener("offline", function () { setConnection(false); });

  adoptLegacyPending();
  render();
  setupOffline();
  poll().then(flush);
  setInterval(poll, POLL_MS);
  setInterval(flush, RETRY_MS * 2);
  setInterval(tick, 1000);
})();
