// The open queue says by itself when new cases have come in under its filters, and keeps the
// filters' counts current, without moving a row: the rows change only when the person asks
// ("Show them"). Polls pause while the tab is hidden. The queue also gets "select every case
// on this page" for its bulk actions. Without JavaScript the page is as it was rendered.
(function () {
  "use strict";

  function startNews() {
    var region = document.querySelector("[data-live-url]");
    if (!region || !window.fetch) {
      return;
    }
    var url = region.getAttribute("data-live-url");
    var every = Math.max(1, parseInt(region.getAttribute("data-live-every"), 10) || 15) * 1000;
    var message = region.querySelector("[data-live-message]");
    var said = region.querySelector("[data-live-text]");
    var newest = region.querySelector("[data-live-newest]");
    var lastCount = 0;
    var timer = null;
    var stopped = false;

    function updateCounts(counts) {
      document.querySelectorAll(".filters a").forEach(function (link) {
        var count = link.querySelector(".count");
        if (!count) {
          return;
        }
        var query = link.search.replace(/^\?/, "");
        var key = query === "" ? "all" : decodeURIComponent(query.split("&")[0]);
        if (Object.prototype.hasOwnProperty.call(counts, key)) {
          count.textContent = "(" + counts[key] + ")";
        } else if (key.indexOf("channel=") === 0 || key.indexOf("status=") === 0) {
          count.textContent = "(0)";
        }
      });
    }

    function announce(body) {
      if (body.new === lastCount) {
        return; // nothing new to say: a screen reader hears each change once
      }
      lastCount = body.new;
      if (!body.new) {
        message.hidden = true;
        return;
      }
      while (newest.firstChild) {
        newest.removeChild(newest.firstChild);
      }
      body.newest.forEach(function (item, index) {
        if (index > 0) {
          newest.appendChild(document.createTextNode(" "));
        }
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.reference;
        newest.appendChild(link);
      });
      said.textContent = body.text + ":";
      message.hidden = false;
    }

    function poll() {
      timer = null;
      if (document.hidden) {
        return; // visibilitychange starts the polls again
      }
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.redirected) {
            stopped = true; // signed out (sent to the login page): nothing more to ask
            return null;
          }
          return response.ok ? response.json() : null;
        })
        .then(function (body) {
          if (body) {
            announce(body);
            updateCounts(body.counts);
          }
        })
        .catch(function () {
          // Offline for a moment: the next poll tries again.
        })
        .then(schedule);
    }

    function schedule() {
      if (timer === null && !stopped && !document.hidden) {
        timer = window.setTimeout(poll, every);
      }
    }

    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && timer === null && !stopped) {
        poll();
      }
    });
    schedule();
  }

  function startSelection() {
    var form = document.querySelector("[data-queue-table]");
    if (!form) {
      return;
    }
    var all = form.querySelector("#select-all");
    var holder = form.querySelector("[data-select-all]");
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="case"]'));
    if (!all || !holder || boxes.length === 0) {
      return;
    }
    holder.hidden = false;
    // With a script the actions float at the bottom of the window once a case is ticked, so
    // the list starts higher up and ticking a row never moves the rows.
    var actions = form.querySelector("[data-bulk-actions]");
    var count = form.querySelector("[data-bulk-count]");
    actions.classList.add("floating");

    function refresh() {
      var ticked = boxes.filter(function (box) {
        return box.checked;
      }).length;
      all.checked = ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
      actions.hidden = ticked === 0;
      document.body.classList.toggle("with-bulk-actions", ticked > 0);
      count.textContent =
        ticked === 0 ? "" : ticked === 1 ? count.dataset.one : count.dataset.many.replace("{n}", ticked);
    }

    all.addEventListener("change", function () {
      boxes.forEach(function (box) {
        box.checked = all.checked;
      });
      refresh();
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", refresh);
    });
    refresh();
  }

  startNews();
  startSelection();
})();
