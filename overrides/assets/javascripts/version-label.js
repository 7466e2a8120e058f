/* The year selector's button (Material's version selector, drawn by Material's
   script from versions.json) is named only "选择当前版本" by its aria-label, which
   hides the year shown on it: speech users say what they see (WCAG 2.5.3 label
   in name) and screen readers should hear the current year. Name it
   "<year shown>，选择年度" once Material has drawn it. */
(function () {
  "use strict";
  function label() {
    var button = document.querySelector(".md-version__current");
    if (!button || button.hasAttribute("data-budget-labelled")) return !!button;
    var shown = button.textContent.replace(/\s+/g, " ").trim();
    button.setAttribute("aria-label", shown + "，选择年度");
    button.setAttribute("data-budget-labelled", "");
    return true;
  }
  if (label()) return;
  var header = document.querySelector(".md-header") || document.body;
  var observer = new MutationObserver(function () { if (label()) observer.disconnect(); });
  observer.observe(header, { childList: true, subtree: true });
})();
