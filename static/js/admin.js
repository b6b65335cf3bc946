/* The editorial admin's small enhancements (the admin works without them).

   Date and time fields: Django's calendar script compares the browser's clock with the
   server's and notes "You are 1 hour behind server time" under every date field, even a
   date without a time. Times here are entered and shown in the portal's time zone, which
   each time field names in its help text; the relative notice only confused. Removing the
   offset it reads (before it runs, on window load) leaves the fields and their shortcuts. */
(function () {
  "use strict";
  delete document.body.dataset.adminUtcOffset;
})();

/* Leaving a change form with unsaved edits asks first (the browser's own question). Saving,
   or any button of the form, leaves without asking. */
(function () {
  "use strict";
  var form = document.querySelector("#content-main form[id$='_form']");
  if (!form) {
    return;
  }
  var edited = false;
  form.addEventListener("input", function () { edited = true; });
  form.addEventListener("change", function () { edited = true; });
  form.addEventListener("submit", function () { edited = false; });
  window.addEventListener("beforeunload", function (event) {
    if (edited) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
