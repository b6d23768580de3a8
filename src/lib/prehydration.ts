// The start page arrives rendered and becomes interactive only once its scripts have run, which
// on a slow phone is a noticeable moment. Svelte keeps what was typed or ticked in that moment,
// but a bound <select> is reset to its state when the page hydrates: a language picked early
// would be shown, then silently put back.

/**
 * The value the visitor picked in the rendered `<select id={id}>` before hydration, or null if
 * they did not touch it (or the page was not rendered on the server, or this is the server).
 * Read it while the component's script runs, before its bindings claim the element.
 */
export function selectPickedBeforeHydration(id: string): string | null {
	if (typeof document === 'undefined') return null;
	const select = document.getElementById(id);
	if (!(select instanceof HTMLSelectElement)) return null;
	const picked = select.selectedOptions[0];
	// Without a `selected` attribute in the markup, the browser shows the first option.
	const rendered = Array.from(select.options).find((o) => o.defaultSelected) ?? select.options[0];
	return picked && picked !== rendered ? picked.value : null;
}
