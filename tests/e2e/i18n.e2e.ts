// The interface in the browser's language (issue 15): a Spanish browser gets the Spanish
// page, accessible as the English one is; the start page's switch overrides it and is
// remembered; the chat's language filter still starts at "any".
import { expect, test } from '@playwright/test';
import { expectAccessible } from './axe';
import { expectStatus, say, strangersSuite } from './support';

test.describe('interface language', () => {
	const { visitor } = strangersSuite('interface language');

	test('a Spanish browser chats in Spanish, and axe finds nothing', async ({ browser }) => {
		test.slow(); // a whole chat and five axe passes: about a minute on a loaded 2-core machine
		const a = await visitor(browser, 'A', { locale: 'es-ES' });
		const b = await visitor(browser, 'B', { locale: 'es-ES' });
		await a.page.goto('/');
		await expect(a.page.getByText('Habla con un desconocido al azar. Sin registrarte.')).toBeVisible();
		await expect(a.page.locator('html')).toHaveAttribute('lang', 'es');
		await expect(a.page).toHaveTitle('Tangent — habla con un desconocido');
		// Which language the stranger speaks is another question: still "any" until chosen.
		await expect(a.page.getByTestId('language')).toHaveValue('');
		await expect(a.page.getByTestId('language').locator('option:checked')).toHaveText('Cualquier idioma');
		await expectAccessible(a.page, 'start (es)');

		await a.page.getByRole('button', { name: 'Empezar' }).click();
		await expectStatus(a, 'Buscando a alguien…');
		await expect(a.page.getByText('Espera un momento, te estamos buscando a alguien con quien hablar.')).toBeVisible();
		await expectAccessible(a.page, 'searching (es)');
		await b.page.goto('/');
		await b.page.getByRole('button', { name: 'Empezar' }).click();
		await expectStatus(a, 'Conectado: ¡saluda!');
		await say(b, 'hola');
		await expect(a.page.getByTestId('message').filter({ hasText: 'hola' })).toContainText('Desconocido:');
		await expect(a.page.getByRole('button', { name: 'Enviar', exact: true })).toBeVisible();
		await expectAccessible(a.page, 'text connected (es)');

		await b.page.getByRole('button', { name: 'Siguiente' }).click();
		await expect(a.page.getByTestId('chat-end')).toHaveText('Desconocido se fue');
		await expect(a.page.getByRole('button', { name: 'Nuevo chat' })).toBeFocused();
		await expectAccessible(a.page, 'partner left (es)');

		// The rules stay in English, and say so in Spanish first.
		await a.page.goto('/terms');
		await expect(a.page.getByTestId('terms-english-only')).toContainText('se muestran en inglés');
		await expectAccessible(a.page, 'terms (es)');
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});

	test('the start page switch overrides the browser, and is remembered', async ({ browser }) => {
		const v = await visitor(browser, 'switcher', { locale: 'es-MX' });
		await v.page.goto('/');
		await expect(v.page.getByRole('button', { name: 'Empezar' })).toBeVisible();
		await v.page.getByTestId('page-language').selectOption('en');
		await expect(v.page.getByRole('button', { name: 'Start' })).toBeVisible();
		await expect(v.page.locator('html')).toHaveAttribute('lang', 'en');

		await v.page.reload();
		await expect(v.page.getByRole('button', { name: 'Start' })).toBeVisible();
		await expect(v.page.getByTestId('page-language')).toHaveValue('en');

		// Back to the browser's choice: Spanish again, also after a reload.
		await v.page.getByTestId('page-language').selectOption('');
		await expect(v.page.getByRole('button', { name: 'Empezar' })).toBeVisible();
		await v.page.reload();
		await expect(v.page.getByRole('button', { name: 'Empezar' })).toBeVisible();
		expect(v.errors).toEqual([]);
	});

	test('an English browser can choose Spanish', async ({ browser }) => {
		const v = await visitor(browser, 'chooser');
		await v.page.goto('/');
		await expect(v.page.getByRole('button', { name: 'Start' })).toBeVisible();
		await v.page.getByTestId('page-language').selectOption('es');
		await expect(v.page.getByRole('button', { name: 'Empezar' })).toBeVisible();
		await v.page.goto('/no/such/page');
		await expect(v.page.getByRole('heading', { name: 'Página no encontrada' })).toBeVisible();
		expect(v.errors).toEqual([]);
	});
});
