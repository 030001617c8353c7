/* kb: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 52rem)");

  // Search: the filters stand open beside the results on a wide screen; there a
  // ticked filter or another sort order searches at once. On a phone the panel
  // stays open while ticking, and "Visa resultat" searches.
  var filters = document.getElementById("filters");
  if (filters && wide.matches) filters.open = true;
  var search = document.getElementById("search-form");
  if (search) {
    document.addEventListener("change", function (event) {
      var field = event.target;
      if (field.form !== search || field.name === "q") return;
      if (field.name === "sort" || wide.matches) search.submit();
    });
  }
})();
