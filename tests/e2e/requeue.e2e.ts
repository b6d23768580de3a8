// A connection that cannot be made is no dead end (issue 15). Both browsers here drop every
// candidate the other sends, in the description and trickled: no path between them, as
// behind firewalls that block it. The data channel never opens; when the connect timeout
// fires, each goes back in line on its own and says why, with no button to press.
import { expect, test } from '@playwright/test';
import { start, strangersSuite } from './support';

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

test.describe('a connection that cannot be made', () => {
	const { visitor } = strangersSuite('requeue');

	test('both go back in line on their own, saying why', async ({ browser }) => {
		// The connect timeout (20 s) has to pass once.
		test.setTimeout(90_000);
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		for (const v of [a, b]) await v.context.addInitScript(blockPeerPaths);
		await Promise.all([start(a), start(b)]);
		for (const v of [a, b]) {
			await expect(v.page.getByTestId('alert')).toHaveText(
				"Couldn't connect to that stranger (a firewall may be blocking it). Looking for someone else…",
				{ timeout: 45_000 }
			);
			// Searching (or matched again) rather than stopped at an error.
			await expect(v.page.getByTestId('status')).toHaveText(/Looking for someone|Connecting/);
		}
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});
});
