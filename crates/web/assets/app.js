// Progressive enhancements only: every page works without this file.
// Forms with data-confirm ask before they submit (archiving, revoking, disabling).
document.addEventListener('submit', (event) => {
  const form = event.target;
  const message = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
// Move focus to the error summary so keyboard and screen-reader users land on it.
document.addEventListener('DOMContentLoaded', () => {
  const summary = document.querySelector('.error-summary');
  if (summary) summary.focus();
});
