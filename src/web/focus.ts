/**
 * After a refusal, takes the reader to what needs fixing: the first invalid field inside `root`, else its
 * error banner. The submit button was disabled while the request ran, so focus had fallen to the page,
 * and on a phone the error may be far above the button.
 */
export function focusFirstProblem(root?: ParentNode | null): void {
  requestAnimationFrame(() => {
    const scope = root ?? document;
    const target =
      scope.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      scope.querySelector<HTMLElement>('[role="alert"]');
    if (!target) return;
    if (target.getAttribute('role') === 'alert' && !target.hasAttribute('tabindex')) target.tabIndex = -1;
    target.focus();
    target.scrollIntoView?.({ block: 'center' });
  });
}
