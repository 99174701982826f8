// The open case page says by itself who else has the case open and what came meanwhile
// ("New message from the citizen. Show"), in polite live regions, without taking the focus.
// It asks every ten seconds while the page is visible, and at once when it is shown again.
// Without JavaScript the page shows the same as of its loading.
(function () {
  "use strict";
  var EVERY_MS = 10000;
  var news = document.getElementById("case-news");
  if (!news || !window.fetch) {
    return;
  }
  var presence = document.getElementById("case-presence");
  var url = news.getAttribute("data-live-url");
  var after = news.getAttribute("data-after") || "0";
  var showText = news.getAttribute("data-show-text");
  var told = {};
  var timer = null;

  function update(body) {
    if (presence && presence.textContent.trim() !== body.viewing) {
      presence.textContent = "";
      if (body.viewing) {
        var line = document.createElement("p");
        line.className = "notice";
        line.textContent = body.viewing;
        presence.appendChild(line);
      }
    }
    body.messages.forEach(function (message) {
      if (told[message.id]) {
        return;
      }
      told[message.id] = true;
      var item = document.createElement("p");
      item.className = "notice live-message";
      item.appendChild(document.createTextNode(message.text + " "));
      var link = document.createElement("a");
      link.href = message.url;
      link.textContent = showText;
      item.appendChild(link);
      news.appendChild(item);
    });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(poll, EVERY_MS);
  }

  function poll() {
    if (document.visibilityState === "hidden") {
      return; // asked again when the page is shown
    }
    fetch(url + "?after=" + encodeURIComponent(after), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
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
      .then(schedule);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      window.clearTimeout(timer);
      poll();
    }
  });
  schedule();
})();
