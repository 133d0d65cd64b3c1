// A button marked data-print prints the page (or saves it as PDF) as it is on screen.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
