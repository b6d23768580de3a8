// Phase 5: front-end weight of the built app. Which files a visitor's browser fetches is
// recorded with Playwright (the start page, then Start in text mode until connected);
// their gzipped sizes are computed from build/ with node:zlib (default level 6).
//
// "Start page" = the JS and CSS the start page cannot paint without: the modulepreloads
// and stylesheet of build/index.html plus the route nodes fetched for "/" and everything
// they import statically (Vite's manifest). Chunks fetched on "/" outside that set are
// dynamic imports (the Firebase SDK, loaded after first paint). "Text chat" = every JS
// and CSS file fetched from opening "/" until connected in a text chat.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { APP_URL, clearFirestore, ROOT, sleep } from './lib/emulators.mjs';
import { ACCEPT_TERMS, sdkLoaded, STATUS } from './browser/callSetup.mjs';
import { appStorageKeys } from './lib/appKeys.mjs';

const BUILD = join(ROOT, 'build');
const MANIFEST = join(ROOT, '.svelte-kit', 'output', 'client', '.vite', 'manifest.json');

/** Code in a chunk that only video/audio or file sharing need (not a text chat). */
const MARKERS = {
	'video/audio UI': ['data-testid="remote-video"', 'remote-video', 'camera-select', 'getUserMedia'],
	'file sharing': ['file-input', 'file-message', 'firebasestorage.googleapis.com']
};

const sizeCache = new Map();
function sizes(file) {
	if (!sizeCache.has(file)) {
		const buf = readFileSync(join(BUILD, file));
		sizeCache.set(file, { raw: buf.length, gzip: gzipSync(buf).length, text: buf.toString('utf8') });
	}
	return sizeCache.get(file);
}

/** file → {imports, css} from Vite's manifest, keyed by output file name. */
function importGraph() {
	if (!existsSync(MANIFEST)) return new Map();
	const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
	const byKey = new Map(Object.entries(manifest));
	const graph = new Map();
	for (const entry of byKey.values()) {
		graph.set(entry.file, {
			imports: (entry.imports ?? []).map((k) => byKey.get(k)?.file).filter(Boolean),
			css: entry.css ?? []
		});
	}
	return graph;
}

function staticClosure(roots, graph) {
	const seen = new Set();
	const stack = [...roots];
	while (stack.length) {
		const file = stack.pop();
		if (seen.has(file)) continue;
		seen.add(file);
		const node = graph.get(file);
		if (node) stack.push(...node.imports, ...node.css);
	}
	return seen;
}

async function fetchedAssets(page) {
	return page.evaluate(() =>
		performance
			.getEntriesByType('resource')
			.map((e) => ({ path: new URL(e.name).pathname, start: e.startTime }))
			.filter((e) => e.path.startsWith('/_app/') && /\.(js|css)$/.test(e.path))
	);
}

export async function measureWeight({ browser }) {
	const graph = importGraph();
	// The start page's own shell (prerendered; its links are relative, "./_app/…").
	const html = readFileSync(join(BUILD, 'index.html'), 'utf8');
	const htmlAssets = [...html.matchAll(/<link href="\.?\/([^"]+\.(?:js|css))" rel="(?:modulepreload|stylesheet)"/g)].map((m) => m[1]);

	await clearFirestore();
	const contexts = await Promise.all([0, 1].map(() => browser.newContext()));
	// Returning visitors: the 18+ and terms gate (src/lib/safety/terms.ts, TERMS_KEY) was accepted.
	const { TERMS_KEY } = await appStorageKeys();
	await Promise.all(contexts.map((c) => c.addInitScript(ACCEPT_TERMS, TERMS_KEY)));
	try {
		const [page, partner] = await Promise.all(contexts.map((c) => c.newPage()));
		await page.goto(`${APP_URL}/`);
		await sdkLoaded(page);
		await sleep(500);
		const onStart = await fetchedAssets(page);
		const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);

		// A text chat: Start on both pages, until the data channel is open. (Only which files are
		// fetched is measured here, not time: the first match on a fresh emulator suite waits for
		// the Functions emulator to start its worker, which a loaded machine takes a while over.)
		await partner.goto(`${APP_URL}/`);
		await sdkLoaded(partner);
		await page.getByRole('button', { name: 'Start' }).click();
		await partner.getByRole('button', { name: 'Start' }).click();
		await Promise.all([page, partner].map((p) => p.getByTestId('status').getByText(STATUS.connected).waitFor({ timeout: 120_000 })));
		await sleep(500);
		const throughChat = await fetchedAssets(page);

		const startNodes = onStart.map((a) => a.path.slice(1)).filter((f) => f.includes('/nodes/'));
		const critical = staticClosure([...htmlAssets, ...startNodes], graph);
		const files = new Map();
		const add = (path, phase) => {
			const file = path.slice(1);
			if (files.has(file) || !existsSync(join(BUILD, file))) return;
			files.set(file, { file, phase, ...sizes(file) });
		};
		for (const a of onStart) add(a.path, critical.has(a.path.slice(1)) ? 'start page' : 'start page, after first paint (dynamic import)');
		for (const a of throughChat) add(a.path, 'text chat');

		const list = [...files.values()].map(({ text, ...rest }) => ({
			...rest,
			type: rest.file.endsWith('.css') ? 'css' : 'js',
			contains: Object.entries(MARKERS)
				.filter(([, needles]) => needles.some((n) => text.includes(n)))
				.map(([what]) => what)
		}));
		const sum = (rows, type) => rows.filter((r) => !type || r.type === type).reduce((a, r) => a + r.gzip, 0);
		const startRows = list.filter((r) => r.phase === 'start page');
		const lazyNotNeeded = list.filter((r) => r.contains.length > 0);
		return {
			firstContentfulPaintMs: fcp,
			startPage: { jsGzip: sum(startRows, 'js'), cssGzip: sum(startRows, 'css') },
			afterFirstPaint: { jsGzip: sum(list.filter((r) => r.phase.startsWith('start page, after'))) },
			textChat: { jsGzip: sum(list, 'js'), cssGzip: sum(list, 'css'), totalGzip: sum(list) },
			eagerNonText: lazyNotNeeded.map((r) => ({ file: r.file, gzip: r.gzip, contains: r.contains })),
			files: list.sort((a, b) => a.phase.localeCompare(b.phase) || b.gzip - a.gzip)
		};
	} finally {
		await Promise.all(contexts.map((c) => c.close().catch(() => {})));
	}
}
