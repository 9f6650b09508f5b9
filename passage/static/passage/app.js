// Passage: behaviour that must not be inline (the CSP forbids inline scripts).
document.addEventListener("DOMContentLoaded", () => {
  // Buttons that ask before acting: <button data-confirm="...">.
  document.body.addEventListener("click", (event) => {
    const el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) {
      event.preventDefault();
      event.stopPropagation();
    }
  });
});
