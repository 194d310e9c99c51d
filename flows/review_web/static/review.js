// The review page's keyboard: one key per decision (the buttons' data-key), n for the note,
// s to skip. Keys typed into the note or a filter are left alone; Escape leaves the note.
"use strict";
document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing = target instanceof HTMLElement && target.matches("input, textarea, select");
  if (typing) {
    if (event.key === "Escape") target.blur();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "n") {
    const note = document.getElementById("note");
    if (note) {
      event.preventDefault();
      note.focus();
    }
    return;
  }
  const control = document.querySelector(`[data-key="${CSS.escape(event.key)}"]`);
  if (!control) return;
  event.preventDefault();
  if (control instanceof HTMLButtonElement && control.form) {
    control.form.requestSubmit(control);
  } else if (control instanceof HTMLAnchorElement) {
    control.click();
  }
});
