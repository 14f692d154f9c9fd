/* The console's offline copies (templates/sessions/console_sw.js) belong to the user who opened
 * the console: they are deleted when that user logs out and when anyone reaches the login page
 * (a login that expired without a logout), so the next user of the computer never gets them.
 * Entries not yet sent stay in localStorage under their author's id (static/js/console.js):
 * they are a citizen's words that the server has not received.
 */
(function () {
  "use strict";

  var PREFIX = "doithoai-console";

  function clearCopies() {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) { return key.indexOf(PREFIX) === 0; })
        .map(function (key) { return caches.delete(key); }));
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-clear-offline") || form.dataset.cleared) return;
    event.preventDefault();
    form.dataset.cleared = "1";
    // Tells static/js/console.js to write no new copy while the logout is on its way.
    document.documentElement.dataset.offlineCleared = "1";
    var sent = false;
    function send() { if (!sent) { sent = true; form.submit(); } }
    clearCopies().then(send, send);
    setTimeout(send, 1500); // never keep anyone from logging out
  });

  if (document.querySelector("[data-clear-offline-now]")) clearCopies();
})();
