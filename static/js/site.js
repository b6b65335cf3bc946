// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Catalogue filters: apply a choice as soon as it is made (text and years still need Enter).
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.matches("input[type=checkbox], input[type=radio], select")) {
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
  });

  // Citations: a button that copies the text.
  if (navigator.clipboard) {
    document.querySelectorAll("pre[data-copy]").forEach(function (block) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--small copy-button";
      var label = block.dataset.copyLabel || "Copy";
      button.textContent = label;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(block.textContent).then(function () {
          button.textContent = block.dataset.copiedLabel || "Copied";
          setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
      block.insertAdjacentElement("afterend", button);
    });
  }
})();
