// The case page's answers say by themselves whether they are queued, sent, delivered or
// failed, and the "nothing is being sent" warning comes and goes, without reloading.
// Without JavaScript the page shows the same states as of its loading.
(function () {
  "use strict";
  var EVERY_MS = 5000;
  var section = document.querySelector("[data-deliveries-url]");
  if (!section || !window.fetch) {
    return;
  }
  var url = section.getAttribute("data-deliveries-url");

  function update(body) {
    body.messages.forEach(function (message) {
      var badge = section.querySelector('[data-delivery-for="' + message.id + '"]');
      if (!badge || badge.getAttribute("data-state") === message.state) {
        return;
      }
      badge.textContent = message.text;
      badge.className = "badge delivery delivery-" + message.state;
      badge.setAttribute("data-state", message.state);
    });
    var warning = document.getElementById("worker-silent");
    if (warning) {
      warning.hidden = !body.worker_silent;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (body) {
        if (body) {
          update(body);
        }
      })
      .catch(function () {
        // Offline for a moment: the next poll tries again.
      })
      .then(function () {
        window.setTimeout(poll, EVERY_MS);
      });
  }

  window.setTimeout(poll, EVERY_MS);
})();
