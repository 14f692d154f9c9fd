/* The hall's projector: current speaker, timer and the next speakers, polled with ETags. */
(function () {
  "use strict";
  var root = document.getElementById("display");
  if (!root) return;
  var T = JSON.parse(document.getElementById("display-text").textContent);
  var etag = null;
  var offset = 0;
  var current = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function pad(n) { return String(n).padStart(2, "0"); }

  function tick() {
    var timer = document.getElementById("display-timer");
    if (!current || !current.called_at) { timer.textContent = ""; return; }
    var elapsed = Math.max(0, Math.floor((Date.now() + offset - new Date(current.called_at).getTime()) / 1000));
    var allotted = current.allotted_seconds || 0;
    timer.textContent = pad(Math.floor(elapsed / 60)) + ":" + pad(elapsed % 60) + " / " +
      pad(Math.floor(allotted / 60)) + ":" + pad(allotted % 60);
    timer.classList.toggle("over-time", allotted > 0 && elapsed > allotted);
  }

  function render(body) {
    current = body.current;
    var name = document.getElementById("display-current");
    name.textContent = current ? current.name : T.nobody;
    document.getElementById("display-current-address").textContent = current ? current.address : "";
    var list = document.getElementById("display-next");
    list.replaceChildren();
    body.next.forEach(function (s) {
      var li = el("li", "display-next-item");
      li.appendChild(el("span", "", s.position + ". " + s.name));
      li.appendChild(el("span", "display-address", " — " + s.address));
      list.appendChild(li);
    });
    tick();
  }

  function poll() {
    var headers = etag ? {"If-None-Match": etag} : {};
    fetch(root.dataset.stateUrl, {cache: "no-store", headers: headers}).then(function (response) {
      if (response.status === 304 || !response.ok) return;
      etag = response.headers.get("ETag");
      return response.json().then(function (body) {
        offset = new Date(body.now).getTime() - Date.now();
        render(body);
      });
    }).catch(function () { /* the next poll tries again */ });
  }

  poll();
  setInterval(poll, 2000);
  setInterval(tick, 1000);
})();
