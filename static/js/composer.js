// The composer: a preliminary answer's new date goes into the text as a sentence (and is
// changed with the date), the signature leaves the text for an answer given by phone and
// comes back for one that is sent, and the draft is kept in this tab (sessionStorage, so it
// is gone when the tab is closed on a shared computer) until the answer is sent.
// Without JavaScript the server adds the date's sentence and the page says so.
(function () {
  "use strict";
  var form = document.getElementById("reply-form");
  if (!form) {
    return;
  }
  var text = form.querySelector("textarea[name=text]");
  var dateSelect = form.querySelector("select[name=new_date]");
  var status = document.getElementById("composer-status");
  var signature = (text.getAttribute("data-signature") || "").trim();
  var key = form.getAttribute("data-draft-key");
  var sentences = {};
  var inserted = "";
  var store = null;
  try {
    sentences = JSON.parse(dateSelect.getAttribute("data-sentences") || "{}");
  } catch (ignored) {
    sentences = {};
  }
  try {
    store = window.sessionStorage;
  } catch (ignored) {
    store = null; // storage switched off: the composer works, only without a kept draft
  }

  function say(message) {
    if (status && message) {
      status.textContent = message;
    }
  }

  function saveDraft() {
    if (store) {
      store.setItem(key, text.value);
    }
  }

  function endsWithSignature(value) {
    var body = value.replace(/\s+$/, "");
    return signature !== "" && body.slice(-signature.length) === signature;
  }

  function withoutSignature(value) {
    return value.replace(/\s+$/, "").slice(0, -signature.length).replace(/\s+$/, "");
  }

  function putSentence(sentence) {
    var value = text.value;
    if (inserted && value.indexOf(inserted) !== -1) {
      value = sentence
        ? value.replace(inserted, sentence)
        : value.replace("\n\n" + inserted, "").replace(inserted, "");
    } else if (sentence) {
      var ending = endsWithSignature(value) ? signature : "";
      var body = ending ? withoutSignature(value) : value.replace(/\s+$/, "");
      value = (body ? body + "\n\n" : "") + sentence + (ending ? "\n\n" + ending : "");
    }
    text.value = value;
    inserted = sentence;
    saveDraft();
  }

  function isPreliminary() {
    var chosen = form.querySelector("input[name=kind]:checked");
    return chosen !== null && chosen.value === "preliminary";
  }

  dateSelect.addEventListener("change", function () {
    var sentence = sentences[dateSelect.value] || "";
    if (sentence && !isPreliminary()) {
      var preliminary = form.querySelector("input[name=kind][value=preliminary]");
      if (preliminary) {
        preliminary.checked = true;
      }
    }
    putSentence(sentence);
    if (sentence) {
      say(form.getAttribute("data-date-added"));
    }
  });

  Array.prototype.forEach.call(form.querySelectorAll("input[name=kind]"), function (radio) {
    radio.addEventListener("change", function () {
      if (!isPreliminary()) {
        putSentence("");
      } else if (sentences[dateSelect.value]) {
        putSentence(sentences[dateSelect.value]);
      }
    });
  });

  Array.prototype.forEach.call(form.querySelectorAll("input[name=way]"), function (radio) {
    radio.addEventListener("change", function () {
      if (!signature || !radio.checked) {
        return;
      }
      if (radio.value === "spoken" && endsWithSignature(text.value)) {
        text.value = withoutSignature(text.value);
        say(form.getAttribute("data-signature-removed"));
      } else if (radio.value !== "spoken" && !endsWithSignature(text.value)) {
        text.value = text.value.replace(/\s+$/, "") + "\n\n" + signature;
        say(form.getAttribute("data-signature-added"));
      }
      saveDraft();
    });
  });

  text.addEventListener("input", saveDraft);
  form.addEventListener("submit", function () {
    if (store) {
      store.setItem(key + ":sending", "1");
    }
  });

  if (store) {
    // The page after sending: a success message means the answer went; forget the draft.
    if (store.getItem(key + ":sending")) {
      store.removeItem(key + ":sending");
      if (document.querySelector(".flash-success")) {
        store.removeItem(key);
      }
    }
    var draft = store.getItem(key);
    var fresh = text.value.trim() === "" || text.value.trim() === signature;
    if (draft && draft.trim() && draft !== text.value && fresh) {
      text.value = draft;
      say(form.getAttribute("data-draft-restored"));
    }
  }
  if (isPreliminary() && sentences[dateSelect.value]) {
    // A refused preliminary answer given back: its sentence is the one the date changes.
    inserted = text.value.indexOf(sentences[dateSelect.value]) !== -1 ? sentences[dateSelect.value] : "";
  }
})();
