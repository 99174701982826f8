// Keyboard shortcuts for the queue and the case page, and the "?" list of them (a modal
// dialog: focus stays inside while it is open and returns where it was; Esc closes it).
// A shortcut never fires while someone types in a field or holds Ctrl, Alt or Meta.
(function () {
  "use strict";
  var QUEUE_ORDER = "svarfrist.queue-order";
  var dialog = document.getElementById("shortcuts-dialog");
  var opener = null;
  var pendingG = 0;
  var current = -1;

  function isTyping(target) {
    if (!target || !target.tagName) {
      return false;
    }
    var tag = target.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select" || target.isContentEditable) {
      return true;
    }
    if (tag !== "input") {
      return false;
    }
    var type = (target.getAttribute("type") || "text").toLowerCase();
    return ["checkbox", "radio", "button", "submit", "reset"].indexOf(type) === -1;
  }

  // --- the dialog -------------------------------------------------------------------------

  function focusable() {
    return Array.prototype.slice
      .call(dialog.querySelectorAll("button, a[href], input, select, textarea, [tabindex]"))
      .filter(function (element) {
        return !element.disabled && element.getAttribute("tabindex") !== "-1";
      });
  }

  function openDialog() {
    if (!dialog || dialog.open || typeof dialog.showModal !== "function") {
      return;
    }
    opener = document.activeElement;
    dialog.showModal();
    dialog.querySelector("[data-shortcuts-close]").focus();
  }

  function closeDialog() {
    if (dialog && dialog.open) {
      dialog.close();
    }
  }

  if (dialog) {
    var footer = document.querySelector("[data-shortcuts]");
    if (footer && typeof dialog.showModal === "function") {
      footer.hidden = false;
    }
    document.querySelectorAll("[data-shortcuts-open]").forEach(function (button) {
      button.addEventListener("click", openDialog);
    });
    dialog.querySelector("[data-shortcuts-close]").addEventListener("click", closeDialog);
    dialog.addEventListener("close", function () {
      if (opener && typeof opener.focus === "function" && document.contains(opener)) {
        opener.focus();
      }
      opener = null;
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key !== "Tab") {
        return;
      }
      var items = focusable();
      if (items.length === 0) {
        return;
      }
      var first = items[0];
      var last = items[items.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    });
  }

  // --- the queue --------------------------------------------------------------------------

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-case-row]"));
  }

  function rememberQueueOrder() {
    var links = document.querySelectorAll("[data-case-row] [data-case-link]");
    if (links.length === 0 || !window.sessionStorage) {
      return;
    }
    var paths = Array.prototype.map.call(links, function (link) {
      return link.pathname;
    });
    try {
      window.sessionStorage.setItem(QUEUE_ORDER, JSON.stringify(paths));
    } catch (error) {
      // Storage full or refused: [ and ] then do nothing.
    }
  }

  function currentRow() {
    var all = rows();
    var focused = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("[data-case-row]")
      : null;
    if (focused) {
      current = all.indexOf(focused);
    }
    return current >= 0 && current < all.length ? all[current] : null;
  }

  function moveTo(index) {
    var all = rows();
    if (all.length === 0) {
      return false;
    }
    current = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (row, at) {
      row.classList.toggle("is-current", at === current);
    });
    var link = all[current].querySelector("[data-case-link]");
    if (link) {
      link.focus();
    }
    return true;
  }

  function claimRow(row) {
    var form = document.querySelector("[data-queue-table]");
    var box = row.querySelector('input[name="case"]');
    if (!form || !box) {
      return false;
    }
    var claim = document.createElement("form");
    claim.method = "post";
    claim.action = form.getAttribute("action");
    [
      ["csrf_token", form.querySelector('input[name="csrf_token"]').value],
      ["next", form.querySelector('input[name="next"]').value],
      ["action", "claim"],
      ["case", box.value],
    ].forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      claim.appendChild(input);
    });
    document.body.appendChild(claim);
    claim.submit();
    return true;
  }

  function onQueue(key) {
    var row;
    if (key === "j") {
      var at = currentRow() ? current + 1 : 0;
      return moveTo(at);
    }
    if (key === "k") {
      return moveTo(currentRow() ? current - 1 : 0);
    }
    row = currentRow();
    if (!row) {
      return false;
    }
    if (key === "o" || key === "Enter") {
      var link = row.querySelector("[data-case-link]");
      if (link && key === "o") {
        window.location.href = link.href;
        return true;
      }
      return false; // Enter on the focused link opens it by itself
    }
    if (key === "x") {
      var box = row.querySelector('input[name="case"]');
      if (box) {
        box.checked = !box.checked;
        box.dispatchEvent(new Event("change", { bubbles: true }));
        return true;
      }
    }
    if (key === "a") {
      return claimRow(row);
    }
    return false;
  }

  // --- the case page ----------------------------------------------------------------------

  function focusField(name) {
    var field = document.querySelector('[data-shortcut="' + name + '"]');
    if (!field) {
      return false;
    }
    field.scrollIntoView({ block: "center" });
    field.focus();
    return true;
  }

  function toQueue() {
    var link = document.querySelector('[data-shortcut="queue"]');
    if (!link) {
      return false;
    }
    window.location.href = link.href;
    return true;
  }

  function neighbour(step) {
    var order;
    try {
      order = JSON.parse(window.sessionStorage.getItem(QUEUE_ORDER) || "[]");
    } catch (error) {
      return false;
    }
    var at = order.indexOf(window.location.pathname);
    if (at === -1 || !order[at + step]) {
      return false;
    }
    window.location.href = order[at + step];
    return true;
  }

  function onCase(key) {
    if (key === "r") {
      return focusField("reply");
    }
    if (key === "n") {
      return focusField("note");
    }
    if (key === "a") {
      var claim = document.querySelector('[data-shortcut="claim"]');
      if (claim) {
        claim.click();
        return true;
      }
      return false;
    }
    if (key === "[") {
      return neighbour(-1);
    }
    if (key === "]") {
      return neighbour(1);
    }
    return false;
  }

  // --- one listener -----------------------------------------------------------------------

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) {
      return;
    }
    if (isTyping(event.target) || (dialog && dialog.open)) {
      return; // the open dialog handles Esc and Tab itself
    }
    var key = event.key;
    var handled = false;
    var gWasPressed = Date.now() - pendingG < 1500;
    pendingG = 0;
    if (key === "?") {
      openDialog();
      handled = true;
    } else if (key === "g") {
      pendingG = Date.now();
      handled = true;
    } else if (key === "u" || (key === "q" && gWasPressed)) {
      handled = toQueue();
    } else if (key === "/") {
      var search = document.querySelector('[data-shortcut="search"]') ||
        document.querySelector('form[role="search"] input[type="search"]');
      if (search) {
        search.focus();
        handled = true;
      }
    } else if (document.querySelector("[data-queue-table]")) {
      handled = onQueue(key);
    } else {
      handled = onCase(key);
    }
    if (handled) {
      event.preventDefault();
    }
  });

  rememberQueueOrder();
})();
