/* kb: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 52rem)");

  // On a wide screen the search filters and a system's detailed figures stand open;
  // there a ticked filter or another sort order searches at once. On a phone the
  // filter panel stays open while ticking, and "Visa resultat" searches.
  if (wide.matches) {
    document.querySelectorAll("details.open-wide").forEach(function (details) {
      details.open = true;
    });
  }
  // A link to a part behind a closed heading opens it.
  function openTarget() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    var details = target && target.closest("details");
    if (details) details.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  var search = document.getElementById("search-form");
  if (search) {
    document.addEventListener("change", function (event) {
      var field = event.target;
      if (field.form !== search || field.name === "q") return;
      if (field.name === "sort" || wide.matches) search.submit();
    });
  }
  // "Kopiera länken": the link stands as text beside the button (selectable without
  // JavaScript); the button appears only where it can copy.
  document.querySelectorAll("button.copy-button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    var label = button.innerHTML;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(function () {
        button.textContent = "Kopierad!";
        setTimeout(function () { button.innerHTML = label; }, 2000);
      }, function () {
        source.select();
      });
    });
  });
})();

/* The experience form: what is typed is kept as a draft on the server (kb.drafts) a
   moment after each change and when the page is left, so nothing is lost. Without
   this script the form's "Spara utkast" buttons do the same. */
(function () {
  "use strict";
  var form = document.getElementById("experience-form");
  if (!form || !form.dataset.draft || !window.fetch || !window.FormData) return;
  var status = document.getElementById("draft-status");
  var timer = null;
  var dirty = false;
  var sending = null;  // the draft on its way, which a submit waits for
  var submitting = false;

  function payload() {
    var data = new FormData(form);
    data.set("action", "autosave");
    return data;
  }
  function send() {
    timer = null;
    if (!dirty) return;
    dirty = false;
    sending = fetch(form.dataset.draft, {method: "POST", body: payload(),
                                         credentials: "same-origin", keepalive: true})
      .then(function (response) {
        if (response.ok && status && !submitting) status.textContent = "Utkastet är sparat.";
      })
      .catch(function () { dirty = !submitting; })
      .then(function () { sending = null; });
  }
  function changed() {
    dirty = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(send, 1500);
  }
  function leaving() {
    if (dirty && navigator.sendBeacon) {
      dirty = false;
      navigator.sendBeacon(form.dataset.draft, payload());
    }
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (event) {
    dirty = false;
    submitting = true;
    if (timer) clearTimeout(timer);
    if (sending) {
      // Let a draft already sent arrive first, so it cannot outlive the saved experience.
      event.preventDefault();
      var submitter = event.submitter;
      sending.then(function () {
        sending = null;
        if (form.requestSubmit) form.requestSubmit(submitter || undefined);
        else form.submit();
      });
    }
  });
  // A link followed from a changed form waits (at most two seconds) for the draft to
  // arrive: a beacon sent as the page goes may reach the server after the member is
  // back at the form, which then shows without what was typed.
  document.addEventListener("click", function (event) {
    if (!dirty && !sending) return;
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey ||
        event.ctrlKey || event.shiftKey || event.altKey || link.hasAttribute("download") ||
        (link.target && link.target !== "_self")) return;
    var to = new URL(link.href, window.location.href);
    if (to.hash && to.pathname === window.location.pathname &&
        to.search === window.location.search) return;  // a place on this page
    event.preventDefault();
    if (timer) clearTimeout(timer);
    if (dirty) send();
    var go = function () { window.location.href = to.href; };
    Promise.race([sending || Promise.resolve(),
                  new Promise(function (done) { setTimeout(done, 2000); })]).then(go, go);
  });
  window.addEventListener("pagehide", leaving);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") leaving();
  });
})();
