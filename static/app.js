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
