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

// An error that a page answered with (data-autofocus) takes the focus, so keyboard and screen-reader users
// land on what went wrong.
document.addEventListener("DOMContentLoaded", () => {
  const target = document.querySelector("[data-autofocus]");
  if (target) target.focus();
});
