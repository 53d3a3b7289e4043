// The annual report's progress page, while the report is being generated: fetch the page again
// every 2 seconds and update the progress region in place, so a screen reader is not sent back
// to the top; announce a change of status. Without JavaScript the page refreshes itself.
(function () {
  var region = document.getElementById("report-progress");
  var announcer = document.getElementById("report-announcement");
  if (!region || !window.fetch || !window.DOMParser) { return; }
  function poll() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("report-progress");
        if (!fresh) { return; }
        var changed = fresh.getAttribute("data-status") !== region.getAttribute("data-status");
        region.innerHTML = fresh.innerHTML;
        ["data-working", "data-status", "data-announce"].forEach(function (name) {
          region.setAttribute(name, fresh.getAttribute(name));
        });
        document.title = page.title;
        if (changed) { announcer.textContent = fresh.getAttribute("data-announce"); }
        if (fresh.getAttribute("data-working") === "true") { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
