// axe-core in the browser suites: WCAG 2.1 A/AA rules plus axe's best practices.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, type Page } from '@playwright/test';

// Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
// govern (an injected <script> tag would be refused by it, as any foreign script must be).
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
	id: string;
	help: string;
	nodes: string[];
}

/** Runs axe on the page as it is; returns the violations, each with its offending elements. */
async function axeViolations(page: Page): Promise<Violation[]> {
	await page.evaluate(AXE_SOURCE);
	return page.evaluate(async () => {
		const axe = Reflect.get(window, 'axe') as {
			run(context: Document, options: object): Promise<{ violations: { id: string; help: string; nodes: { target: unknown[] }[] }[] }>;
		};
		const result = await axe.run(document, {
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }
		});
		return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
	});
}

export async function expectAccessible(page: Page, state: string): Promise<void> {
	// Let transitions and fade-ins settle: axe reads computed colours.
	await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300))));
	const violations = await axeViolations(page);
	expect(violations, `axe violations in state "${state}"`).toEqual([]);
}

