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
