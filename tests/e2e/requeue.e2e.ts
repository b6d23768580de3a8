// A connection that cannot be made is no dead end (issue 15). Both browsers here drop every
// candidate the other sends, in the description and trickled: no path between them, as
// behind firewalls that block it. The data channel never opens; when the connect timeout
// fires, each goes back in line on its own and says why, with no button to press. Nor is a
// stranger who leaves before the chat began a dead end.
import { expect, test, type Page } from '@playwright/test';
import { expectStatus, start, strangersSuite, type Visitor } from './support';

const RETRY_NOTICE = "Couldn't connect to that stranger (a firewall may be blocking it). Looking for someone else…";
const LEFT_BEFORE_CONNECTED_NOTICE = 'The stranger left before you were connected. Looking for someone else…';
/** The call's connect timeout (CALL_TIMING.connectTimeoutMs). */
const CONNECT_TIMEOUT_MS = 20_000;

/** Runs in each page before the app: remote candidates are dropped, so ICE has no pair to try. */
function blockPeerPaths(): void {
	const proto = RTCPeerConnection.prototype;
	const setRemote = proto.setRemoteDescription;
	Object.defineProperty(proto, 'setRemoteDescription', {
		value(this: RTCPeerConnection, description: RTCSessionDescriptionInit) {
			const sdp = description.sdp
				?.split('\r\n')
				.filter((line) => !line.startsWith('a=candidate'))
				.join('\r\n');
			return Reflect.apply(setRemote, this, [{ type: description.type, sdp }]);
		}
	});
	Object.defineProperty(proto, 'addIceCandidate', { value: () => Promise.resolve() });
}

/**
 * Runs in a page before the app: its connect timeout fires `byMs` later than the other
 * page's, as when its listener heard of the match seconds after theirs. Counts the timers
 * it stretched, so a test can tell the stretch took.
 */
function stretchConnectTimeout([timeoutMs, byMs]: [number, number]): void {
	const setTimer = window.setTimeout.bind(window);
	const page = window as unknown as { stretchedTimers: number };
	page.stretchedTimers = 0;
	window.setTimeout = ((run: TimerHandler, ms?: number, ...args: unknown[]) => {
		if (ms !== timeoutMs) return setTimer(run, ms, ...args);
		page.stretchedTimers++;
		return setTimer(run, ms + byMs, ...args);
	}) as typeof window.setTimeout;
}

const stretchedTimers = (page: Page) => page.evaluate(() => (window as unknown as { stretchedTimers: number }).stretchedTimers);

async function expectBackInLine(v: Visitor, notice: string, timeout: number): Promise<void> {
	await expect(v.page.getByTestId('alert')).toHaveText(notice, { timeout });
	// Searching (or matched again) rather than stopped at an error.
	await expect(v.page.getByTestId('status')).toHaveText(/Looking for someone|Connecting/);
}

test.describe('a connection that cannot be made', () => {
	const { visitor } = strangersSuite('requeue');

	test('both go back in line on their own, saying why', async ({ browser }) => {
		// The connect timeout (20 s) has to pass once.
		test.setTimeout(90_000);
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		for (const v of [a, b]) await v.context.addInitScript(blockPeerPaths);
		await Promise.all([start(a), start(b)]);
		for (const v of [a, b]) await expectBackInLine(v, RETRY_NOTICE, 45_000);
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});

	test('the side that gives up first ends the call; the other, told by the server, says the same', async ({ browser }) => {
		// A fresh-clone run showed "Stranger has left", a dead end, on the page whose timeout
		// came half a second after the other's.
		test.setTimeout(90_000);
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		for (const v of [a, b]) await v.context.addInitScript(blockPeerPaths);
		await b.context.addInitScript(stretchConnectTimeout, [CONNECT_TIMEOUT_MS, 10_000] as [number, number]);
		await Promise.all([start(a), start(b)]);
		await Promise.all([expectStatus(a, 'Connecting…'), expectStatus(b, 'Connecting…')]);
		// The call (and its timer) starts a moment after the status shows the match.
		await expect.poll(() => stretchedTimers(b.page)).toBe(1);
		for (const v of [a, b]) await expectBackInLine(v, RETRY_NOTICE, 45_000);
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});

	test('a stranger who leaves before the chat began: the other goes back in line on their own, saying so', async ({ browser }) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		for (const v of [a, b]) await v.context.addInitScript(blockPeerPaths);
		await Promise.all([start(a), start(b)]);
		await Promise.all([expectStatus(a, 'Connecting…'), expectStatus(b, 'Connecting…')]);
		await a.page.getByTestId('stop').click();
		await expectBackInLine(b, LEFT_BEFORE_CONNECTED_NOTICE, 10_000);
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});
});
