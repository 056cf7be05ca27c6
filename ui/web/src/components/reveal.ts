// reveal brings the element with this id into view once it is shown (a
// section just opened shows after its data arrives, or after the switch)
// and puts the cursor in its first field, so the person lands where they type.
export function reveal(id: string, within = 4000): void {
  const started = Date.now();
  const attempt = () => {
    const el = document.getElementById(id);
    // A section already opened once is there but hidden until the switch to it renders.
    if (!el || el.getClientRects().length === 0) {
      if (Date.now() - started < within) window.setTimeout(attempt, 100);
      return;
    }
    el.scrollIntoView({ block: "center" });
    const field = el.matches("input, textarea, button, [tabindex]") ? el
      : el.querySelector<HTMLElement>("input:not([type=hidden]):not([disabled]), textarea:not([disabled]), [role=combobox]");
    field?.focus({ preventScroll: true });
    el.classList.add("lt-flash");
    window.setTimeout(() => el.classList.remove("lt-flash"), 1600);
  };
  attempt();
}
