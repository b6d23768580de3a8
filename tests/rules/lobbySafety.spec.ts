// The safety conditions on lobby joins, kept apart from lobby.spec.ts (the lobby's own
// grid): one active call per person, so "New chat" or Start over a matched entry whose
// call is still on is refused until that call has ended; and no join from a uid that was
// never bound to a device (bindDevice), so bans and blocks follow people to new uids.
import { deleteDoc, doc, getDoc, setDoc } from 'firebase/firestore';
import { describe, it } from 'vitest';
import { describeWithEmulators } from '../support/emulators';
import {
	activeCall,
	ALICE,
	boundIdentity,
	BOB,
	earlier,
	endedCall,
	expectAllowed,
	expectDenied,
	leftEntry,
	MALLORY,
	matchedEntry,
	paths,
	sweptCall,
	useRulesFixture,
	waitingEntry
} from './fixtures';

describeWithEmulators(['firestore'], 'lobby joins: one active call per person', () => {
	const fx = useRulesFixture();
	const join = () => setDoc(doc(fx.as(ALICE), paths.lobby(ALICE)), waitingEntry());

	describe('join over a matched entry', () => {
		it('its call is still active → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.lobby(ALICE), earlier(matchedEntry()));
			await expectDenied(join());
		});

		it('its call was ended by a member → allowed', async () => {
			await fx.seed(paths.call(), endedCall());
			await fx.seed(paths.lobby(ALICE), earlier(matchedEntry()));
			await expectAllowed(join());
		});

		it('its call was ended by the sweeper → allowed', async () => {
			await fx.seed(paths.call(), sweptCall());
			await fx.seed(paths.lobby(ALICE), earlier(matchedEntry()));
			await expectAllowed(join());
		});

		it('its call no longer exists (cleaned up) → allowed', async () => {
			await fx.seed(paths.lobby(ALICE), earlier(matchedEntry()));
			await expectAllowed(join());
		});
	});

	describe('join over a left entry', () => {
		it('left (Stop) while its call is still active → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.lobby(ALICE), earlier({ ...matchedEntry(), status: 'left' }));
			await expectDenied(join());
		});

		it('left while waiting (no call) → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.lobby(ALICE), earlier(leftEntry()));
			await expectAllowed(join());
		});
	});

	describe('a device binding first', () => {
		const unbind = (uid: string) => fx.remove(paths.identity(uid));

		it('a first join from a uid never bound → denied', async () => {
			await unbind(ALICE);
			await expectDenied(join());
		});

		it('a join again (over a left entry) from a uid never bound → denied', async () => {
			await unbind(ALICE);
			await fx.seed(paths.lobby(ALICE), earlier(leftEntry()));
			await expectDenied(join());
		});

		it('once bound → allowed', async () => {
			await expectAllowed(join());
		});
	});

	describe('functions-only safety collections', () => {
		for (const [name, path] of [
			['identities', paths.identity(ALICE)],
			['devices', 'devices/some-device'],
			['networks', 'networks/some-network'],
			['standing', `standing/${ALICE}`],
			['rates', `rates/iceServers_${ALICE}`]
		] as const) {
			it(`${name}: the owner reads or writes → denied`, async () => {
				await expectDenied(getDoc(doc(fx.as(ALICE), path)));
				await expectDenied(setDoc(doc(fx.as(ALICE), path), { completedCalls: 99 }));
				await expectDenied(deleteDoc(doc(fx.as(ALICE), path)));
			});
		}

		it('identities: another user binds alice to their device → denied', async () => {
			await expectDenied(setDoc(doc(fx.as(MALLORY), paths.identity(ALICE)), boundIdentity()));
			await expectDenied(setDoc(doc(fx.as(BOB), paths.identity(BOB)), boundIdentity()));
		});
	});
});
