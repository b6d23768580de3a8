// Who may be matched with whom, and in which order a seeker tries candidates. Pure code:
// the matchmaker applies these decisions inside a Firestore transaction.
import type { ChatMode } from '../shared/model';

export interface LobbyPerson {
	uid: string;
	mode: ChatMode;
	status: 'waiting' | 'matched';
	joinedAtMs: number;
}

/** Both still waiting, different people, same mode. */
export function canMatch(seeker: LobbyPerson, candidate: LobbyPerson): boolean {
	return (
		seeker.uid !== candidate.uid &&
		seeker.status === 'waiting' &&
		candidate.status === 'waiting' &&
		seeker.mode === candidate.mode
	);
}

/**
 * The order in which a seeker tries the eligible candidates of its window (the oldest
 * waiting entries). Shuffled rather than oldest-first: when many people join at once,
 * every matchmaker run would otherwise fight over the same oldest entry, and transactions
 * on one hot document serialise (or stall, on the emulator). The window itself is the
 * oldest entries, so nobody waits behind newcomers for long.
 */
export function candidateOrder(
	seeker: LobbyPerson,
	window: readonly LobbyPerson[],
	random: () => number = Math.random
): LobbyPerson[] {
	const eligible = window.filter((c) => canMatch(seeker, c));
	for (let i = eligible.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[eligible[i], eligible[j]] = [eligible[j]!, eligible[i]!];
	}
	return eligible;
}

/** The person who waited longer makes the offer: their page has been idle and ready. */
export function chooseOfferer(a: LobbyPerson, b: LobbyPerson): string {
	if (a.joinedAtMs !== b.joinedAtMs) return a.joinedAtMs < b.joinedAtMs ? a.uid : b.uid;
	return a.uid < b.uid ? a.uid : b.uid;
}
