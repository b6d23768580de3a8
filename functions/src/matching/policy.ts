// Who may be matched with whom, and in which order a seeker tries candidates. Pure code:
// the matchmaker applies these decisions inside a Firestore transaction.
//
// The policy, in the words users see it:
// - You meet someone in the same mode (text, video, audio) and, if you chose one, the
//   same language: those are separate pools.
// - Someone who shares an interest with you comes first. If you listed interests, you
//   wait a few seconds for such a person before accepting anyone ("patience" 1).
// - Someone you just met is not matched with you again right away; after a longer wait
//   ("patience" 2, e.g. you two are the only ones online) that is allowed again.
// - Someone whose page stopped sending heartbeats (closed tab, crash) is nobody's match.
// - Two people one of whom reported the other are never matched again.
import type { ChatMode, LobbyEntry } from '../shared/model';

export interface LobbyPerson {
	uid: string;
	mode: ChatMode;
	language: string | null;
	interests: readonly string[];
	/** 0 fresh, 1 accepts strangers without a shared interest, 2 also recent partners. */
	patience: number;
	status: LobbyEntry['status'];
	joinedAtMs: number;
	heartbeatAtMs: number;
}

export interface MatchContext {
	nowMs: number;
	/** People the seeker was in a call with recently. */
	recentPartners: ReadonlySet<string>;
	/** People the seeker reported or was reported by: never again, however long anyone waits. */
	blocked: ReadonlySet<string>;
}

/** A waiting page sends a heartbeat every LOBBY_HEARTBEAT_MS; after this long it is gone. */
export const LOBBY_STALE_AFTER_MS = 25_000;

export type MatchKind = 'shared-interests' | 'random';

export function commonInterests(a: LobbyPerson, b: LobbyPerson): string[] {
	const theirs = new Set(b.interests);
	return a.interests.filter((tag) => theirs.has(tag));
}

export function isAlive(p: LobbyPerson, nowMs: number): boolean {
	return nowMs - p.heartbeatAtMs <= LOBBY_STALE_AFTER_MS;
}

const acceptsStrangers = (p: LobbyPerson) => p.interests.length === 0 || p.patience >= 1;

/** How the two would be matched, or null when they may not be matched now. */
export function matchKind(seeker: LobbyPerson, candidate: LobbyPerson, ctx: MatchContext): MatchKind | null {
	if (seeker.uid === candidate.uid) return null;
	if (seeker.status !== 'waiting' || candidate.status !== 'waiting') return null;
	if (seeker.mode !== candidate.mode || seeker.language !== candidate.language) return null;
	if (!isAlive(seeker, ctx.nowMs) || !isAlive(candidate, ctx.nowMs)) return null;
	if (ctx.blocked.has(candidate.uid)) return null;
	if (ctx.recentPartners.has(candidate.uid) && (seeker.patience < 2 || candidate.patience < 2)) return null;
	if (commonInterests(seeker, candidate).length > 0) return 'shared-interests';
	return acceptsStrangers(seeker) && acceptsStrangers(candidate) ? 'random' : null;
}

/**
 * The order in which a seeker tries the candidates it sees: those sharing an interest
 * first, then everyone else it may meet. Each group is shuffled rather than oldest-first:
 * when many people join at once, every matchmaker run would otherwise fight over the same
 * oldest entry, and transactions on one hot document serialise (or stall, on the
 * emulator). The candidates come from the oldest entries, so nobody waits long behind
 * newcomers.
 */
export function candidateOrder(
	seeker: LobbyPerson,
	candidates: readonly LobbyPerson[],
	ctx: MatchContext,
	random: () => number = Math.random
): LobbyPerson[] {
	const byUid = new Map(candidates.map((c) => [c.uid, c]));
	const shared: LobbyPerson[] = [];
	const others: LobbyPerson[] = [];
	for (const candidate of byUid.values()) {
		const kind = matchKind(seeker, candidate, ctx);
		if (kind === 'shared-interests') shared.push(candidate);
		else if (kind === 'random') others.push(candidate);
	}
	return [...shuffle(shared, random), ...shuffle(others, random)];
}

function shuffle<T>(items: T[], random: () => number): T[] {
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[items[i], items[j]] = [items[j]!, items[i]!];
	}
	return items;
}

/** The person who waited longer makes the offer: their page has been idle and ready. */
export function chooseOfferer(a: LobbyPerson, b: LobbyPerson): string {
	if (a.joinedAtMs !== b.joinedAtMs) return a.joinedAtMs < b.joinedAtMs ? a.uid : b.uid;
	return a.uid < b.uid ? a.uid : b.uid;
}
