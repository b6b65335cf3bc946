// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  var FOCUS_KEY = "osce-portal:filter-focus";
  document.documentElement.classList.add("js");

  // Catalogue filters: folded on narrow screens, always open on wide ones (as the CSS shows
  // them without this file).
  var wide = window.matchMedia("(min-width: 56rem)");
  function unfoldOnWideScreens() {
    document.querySelectorAll("details[data-filters-panel]").forEach(function (panel) {
      if (wide.matches) {
        panel.open = true;
      }
    });
  }
  unfoldOnWideScreens();
  if (wide.addEventListener) {
    wide.addEventListener("change", unfoldOnWideScreens);
  }

  // Shareable URLs: empty fields are not sent (the server would redirect without them anyway).
  document.querySelectorAll("form[method=get]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[name], select[name]").forEach(function (field) {
        var empty = (field.type === "search" || field.type === "text" ||
                     field.type === "radio" || field.tagName === "SELECT") && !field.value.trim();
        if (empty || (field.dataset.default && field.value === field.dataset.default)) {
          field.disabled = true;
        }
      });
      // A page restored from the back/forward cache must show its fields again.
      window.addEventListener("pageshow", function () {
        form.querySelectorAll("[disabled]").forEach(function (field) { field.disabled = false; });
      }, { once: true });
    });
  });

  // Catalogue filters: apply a ticked box or a chosen option at once (text, years and the sort
  // order still wait for Enter or the button). After the reload, focus returns to the control
  // that was used, so keyboard and screen-reader users keep their place.
  // On narrow screens the filters wait for "Apply filters" (which leads to the results and their
  // count): a reload per tick would leave the reader deep in the open panel.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (!target.matches("input[type=checkbox], input[type=radio]") || !wide.matches) {
        return;
      }
      try {
        sessionStorage.setItem(FOCUS_KEY, JSON.stringify([target.name, target.value]));
      } catch (error) {
        // Storage may be disabled; the filters still apply.
      }
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
    });

    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(FOCUS_KEY) || "null");
      sessionStorage.removeItem(FOCUS_KEY);
    } catch (error) {
      saved = null;
    }
    if (saved) {
      var inputs = form.querySelectorAll("input[name='" + CSS.escape(saved[0]) + "']");
      inputs.forEach(function (input) {
        if (input.value === saved[1]) {
          var panel = input.closest("details");
          if (panel) {
            panel.open = true;
          }
          input.focus();
        }
      });
    }
  });

  // Citations: a button that copies the text.
  if (navigator.clipboard) {
    document.querySelectorAll("pre[data-copy]").forEach(function (block) {
      var button = document.createElement("button");
      var label = block.dataset.copyLabel || "Copy";
      button.type = "button";
      button.className = "button button--small copy-button";
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

  // Compare: ticks follow the reader to other pages (the links carry them in the address, as
  // "Keep ticks" does without JavaScript).
  var compareForm = document.getElementById("compare-form");
  if (compareForm) {
    var carry = function () {
      var ticked = [];
      compareForm.querySelectorAll("input[name=r]").forEach(function (input) {
        if ((input.type === "hidden" || input.checked) && ticked.indexOf(input.value) < 0) {
          ticked.push(input.value);
        }
      });
      document.querySelectorAll(".pagination a").forEach(function (link) {
        var url = new URL(link.getAttribute("href"), window.location.href);
        url.searchParams.delete("r");
        ticked.forEach(function (slug) { url.searchParams.append("r", slug); });
        link.setAttribute("href", url.pathname + url.search + url.hash);
      });
      var filters = document.getElementById("filters");
      if (filters) {  // a GET form sends its fields, not its action's query
        filters.querySelectorAll("input[type=hidden][name=r]").forEach(function (input) {
          input.remove();
        });
        ticked.forEach(function (slug) {
          var input = document.createElement("input");
          input.type = "hidden";
          input.name = "r";
          input.value = slug;
          filters.appendChild(input);
        });
      }
    };
    compareForm.addEventListener("change", carry);
    carry();
    // "Compare selected" sends the records only (the filters ride along for "Keep ticks").
    compareForm.addEventListener("submit", function (event) {
      var keeping = event.submitter && event.submitter.hasAttribute("formaction");
      compareForm.querySelectorAll("[data-kept]").forEach(function (input) {
        input.disabled = !keeping;
      });
      window.addEventListener("pageshow", function () {
        compareForm.querySelectorAll("[data-kept]").forEach(function (input) {
          input.disabled = false;
        });
      }, { once: true });
    });
  }
})();
