/* The page's full address in the line printed under the text (budget.css shows
   .budget-print-address only in print). Without JavaScript the line keeps the
   address the build knew (the canonical URL, or the path within the site). */
(function () {
  "use strict";
  var address = location.href.split("#")[0];
  var nodes = document.querySelectorAll("[data-budget-address]");
  for (var i = 0; i < nodes.length; i++) nodes[i].textContent = address;
})();
