import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();

// Pressing Enter in a field submits a form with its first button. Where that is not the main
// one (the review record's "Add another action" comes before "Save review"), the main button,
// marked data-default-submit, is pressed instead. Without JavaScript Enter adds an action row,
// which loses nothing: what was typed comes back with the new row.
document.addEventListener("keydown", (event) => {
  const field = event.target;
  if (event.key !== "Enter" || !(field instanceof HTMLInputElement) || !field.form) {
    return;
  }
  const main = field.form.querySelector("[data-default-submit]");
  if (main) {
    event.preventDefault();
    main.click();
  }
});
