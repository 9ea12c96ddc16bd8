// Marks a section as studied without reloading the page; the forms work without it too.
(function () {
  "use strict";
  var bar = document.querySelector("[data-chapter-progress]");
  var percent = document.querySelector("[data-chapter-percent]");
  document.querySelectorAll("form.mark-section").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      var field = form.querySelector("input[name=done]");
      button.disabled = true;
      fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" },
                           credentials: "same-origin" })
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .then(function (state) {
          button.classList.toggle("done", state.done);
          button.setAttribute("aria-pressed", state.done ? "true" : "false");
          field.value = state.done ? "0" : "1";
          if (bar) { bar.value = state.percent; bar.textContent = state.percent + "%"; }
          if (percent) percent.textContent = state.percent;
        })
        .catch(function () { form.submit(); })  // fall back to the plain form
        .finally(function () { button.disabled = false; });
    });
  });
})();
