// Copy button for the one-time API key: copies the text of the element named by data-copy-target and says how it
// went in the element named by data-copy-result (a status region), in the page's words (data-copied,
// data-select-to-copy), whatever the markup around them.
document.querySelectorAll("[data-copy-target]").forEach((button) => {
  button.addEventListener("click", async () => {
    const target = document.getElementById(button.dataset.copyTarget);
    const result = document.getElementById(button.dataset.copyResult);
    try {
      await navigator.clipboard.writeText(target.textContent.trim());
      if (result) result.textContent = button.dataset.copied;
    } catch (error) {
      // no clipboard permission (e.g. plain http in some browsers): select it for a manual copy
      const range = document.createRange();
      range.selectNodeContents(target);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      if (result) result.textContent = button.dataset.selectToCopy;
    }
  });
});
