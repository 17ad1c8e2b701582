// Rapport: small behaviours that plain HTML and htmx do not give us.
document.addEventListener("htmx:responseError", (event) => {
  // htmx drops error responses; tell the user rather than fail silently.
  const flashes = document.getElementById("flashes");
  if (!flashes) return;
  const alert = document.createElement("div");
  alert.className = "alert alert-danger";
  alert.setAttribute("role", "alert");
  alert.textContent = "That did not work (" + event.detail.xhr.status + "). Reload the page and try again.";
  flashes.replaceChildren(alert);
});

// After a form comes back with errors, put the keyboard on the first field that needs attention.
function focusFirstInvalid(root) {
  const invalid = root.querySelector(".is-invalid");
  if (invalid) invalid.focus();
}
document.addEventListener("DOMContentLoaded", () => focusFirstInvalid(document));
document.addEventListener("htmx:afterSwap", (event) => focusFirstInvalid(event.detail.target));

// actions page
// Ticking actions: the bulk buttons say how many are selected and wait until one is.
function refreshBulkBar(form) {
  if (!form) return;
  const boxes = document.querySelectorAll(`input[name="ids"][form="${form.id}"]`);
  const ticked = [...boxes].filter((box) => box.checked).length;
  const label = form.querySelector("[data-selected-count]");
  if (label) label.textContent = ticked ? `${ticked} selected` : "Select actions to close several at once.";
  form.querySelectorAll("[data-bulk-button]").forEach((button) => { button.disabled = ticked === 0; });
  const all = document.querySelector(`[data-select-all="${form.id}"]`);
  if (all) {
    all.checked = ticked > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
}
document.addEventListener("change", (event) => {
  const box = event.target;
  if (box.matches("[data-select-all]")) {
    const form = document.getElementById(box.dataset.selectAll);
    document.querySelectorAll(`input[name="ids"][form="${box.dataset.selectAll}"]`)
      .forEach((item) => { item.checked = box.checked; });
    refreshBulkBar(form);
  } else if (box.matches('input[name="ids"][form]')) {
    refreshBulkBar(document.getElementById(box.getAttribute("form")));
  }
});
document.addEventListener("htmx:load", () => refreshBulkBar(document.getElementById("bulk-actions")));
// After closing actions the row is gone: put the keyboard on the message that says what happened.
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.requestConfig && event.detail.requestConfig.verb !== "post") return;
  const message = event.detail.target.querySelector("[data-swap-focus]");
  if (message) message.focus();
});
