// Who may be matched with whom, and how a batch of waiting people is paired. Pure code:
// the matchmaker applies these decisions inside Firestore transactions.
//
// The policy, in the words users see it:
// - You meet someone in the same mode (text, video, audio) and, if you chose one, the
//   same language: those are separate pools.
// - Someone who shares an interest with you comes first. If you listed interests, you
//   wait a few seconds for such a person before accepting anyone ("patience" 1).
// - Someone you just met is not matched with you again right away; after a longer wait
//   ("patience" 2, e.g. you two are the only ones online) that is allowed again.
// - Patience comes from how long you have waited (joinedAt, stamped by the server), never
//   from anything your page says.
// - Someone whose page stopped sending heartbeats (closed tab, crash) is nobody's match.
// - Two people one of whom reported the other are never matched again.
import {
	LOBBY_STALE_AFTER_MS,
	PATIENCE,
	PATIENCE_AFTER_MS,
	patienceAfter,
	type ChatMode,
	type LobbyEntry
} from '../shared/model';

export { LOBBY_STALE_AFTER_MS };

export interface LobbyPerson {
	uid: string;
	mode: ChatMode;
	language: string | null;
	interests: readonly string[];
	status: LobbyEntry['status'];
	joinedAtMs: number;
	heartbeatAtMs: number;
}

/** What the matcher knows about one person's past: never derived from their lobby entry. */
export interface History {
	/** People they were in a call with recently. */
	recentPartners: ReadonlySet<string>;
	/** People they reported or were reported by: never again, however long anyone waits. */
	blocked: ReadonlySet<string>;
}

export interface MatchContext extends History {
	nowMs: number;
}

export const NO_HISTORY: History = Object.freeze({ recentPartners: new Set<string>(), blocked: new Set<string>() });

export type MatchKind = 'shared-interests' | 'random';

export function commonInterests(a: Pick<LobbyPerson, 'interests'>, b: Pick<LobbyPerson, 'interests'>): string[] {
	const theirs = new Set(b.interests);
	return a.interests.filter((tag) => theirs.has(tag));
}

export function isAlive(p: LobbyPerson, nowMs: number): boolean {
	return nowMs - p.heartbeatAtMs <= LOBBY_STALE_AFTER_MS;
}

/** 0 fresh, 1 accepts strangers without a shared interest, 2 also recent partners. */
export function patienceOf(p: LobbyPerson, nowMs: number): number {
	return patienceAfter(nowMs - p.joinedAtMs);
}

const acceptsStrangers = (p: LobbyPerson, nowMs: number) =>
	p.interests.length === 0 || patienceOf(p, nowMs) >= PATIENCE.acceptsStrangers;

/** How the two would be matched, or null when they may not be matched now (seeker's history in ctx). */
export function matchKind(seeker: LobbyPerson, candidate: LobbyPerson, ctx: MatchContext): MatchKind | null {
	const now = ctx.nowMs;
	if (seeker.uid === candidate.uid) return null;
	if (seeker.status !== 'waiting' || candidate.status !== 'waiting') return null;
	if (seeker.mode !== candidate.mode || seeker.language !== candidate.language) return null;
	if (!isAlive(seeker, now) || !isAlive(candidate, now)) return null;
	if (ctx.blocked.has(candidate.uid)) return null;
	const bothPatient =
		patienceOf(seeker, now) >= PATIENCE.acceptsRecentPartners && patienceOf(candidate, now) >= PATIENCE.acceptsRecentPartners;
	if (ctx.recentPartners.has(candidate.uid) && !bothPatient) return null;
	if (commonInterests(seeker, candidate).length > 0) return 'shared-interests';
	return acceptsStrangers(seeker, now) && acceptsStrangers(candidate, now) ? 'random' : null;
}

/** Both sides' histories count: a block or a recent call recorded on either side keeps them apart. */
export function pairKind(a: LobbyPerson, b: LobbyPerson, historyOf: (uid: string) => History, nowMs: number): MatchKind | null {
	const ha = historyOf(a.uid);
	const hb = historyOf(b.uid);
	const ctx: MatchContext = {
		nowMs,
		recentPartners: new Set([...ha.recentPartners, ...(hb.recentPartners.has(a.uid) ? [b.uid] : [])]),
		blocked: new Set([...ha.blocked, ...(hb.blocked.has(a.uid) ? [b.uid] : [])])
	};
	return matchKind(a, b, ctx);
}

export interface PlannedPair {
	a: LobbyPerson;
	b: LobbyPerson;
	kind: MatchKind;
	commonInterests: string[];
}

/**
 * Pairs as many of one shard's waiting people as the policy allows, in two passes: first
 * everyone who shares an interest with someone (most shared interests, then whoever waited
 * longest), then the rest who accept strangers, oldest first. Oldest first is fair, and
 * safe here because one run per shard plans all pairs at once (nothing to collide with).
 * Everyone appears in at most one pair.
 */
export function planPairs(people: readonly LobbyPerson[], historyOf: (uid: string) => History, nowMs: number): PlannedPair[] {
	const byUid = new Map<string, LobbyPerson>();
	for (const p of people) if (p.status === 'waiting' && isAlive(p, nowMs)) byUid.set(p.uid, p);
	const line = [...byUid.values()].sort((x, y) => x.joinedAtMs - y.joinedAtMs || (x.uid < y.uid ? -1 : 1));
	const paired = new Set<string>();
	const pairs: PlannedPair[] = [];
	for (const pass of ['shared-interests', 'random'] as const) {
		for (let i = 0; i < line.length; i++) {
			const seeker = line[i]!;
			if (paired.has(seeker.uid)) continue;
			let best: { person: LobbyPerson; shared: number } | null = null;
			for (let j = i + 1; j < line.length; j++) {
				const candidate = line[j]!;
				if (paired.has(candidate.uid) || pairKind(seeker, candidate, historyOf, nowMs) !== pass) continue;
				const shared = commonInterests(seeker, candidate).length;
				if (!best || shared > best.shared) best = { person: candidate, shared };
				if (pass === 'random') break;
			}
			if (!best) continue;
			paired.add(seeker.uid).add(best.person.uid);
			pairs.push({ a: seeker, b: best.person, kind: pass, commonInterests: commonInterests(seeker, best.person) });
		}
	}
	return pairs;
}

/**
 * When waiting could next change a plan for these unpaired people: the earliest moment one
 * of them reaches a patience level that widens their search. null when none will (a single
 * person alone gains nothing from waiting; the next join runs the matcher anyway).
 */
export function nextWideningAt(unpaired: readonly LobbyPerson[], nowMs: number): number | null {
	if (unpaired.length < 2) return null;
	let next: number | null = null;
	for (const p of unpaired) {
		const moments = [p.joinedAtMs + PATIENCE_AFTER_MS.acceptsRecentPartners];
		// Accepting strangers changes nothing for someone who listed no interests.
		if (p.interests.length > 0) moments.push(p.joinedAtMs + PATIENCE_AFTER_MS.acceptsStrangers);
		for (const at of moments) if (at > nowMs && (next === null || at < next)) next = at;
	}
	return next;
}

/** The person who waited longer makes the offer: their page has been idle and ready. */
export function chooseOfferer(a: LobbyPerson, b: LobbyPerson): string {
	if (a.joinedAtMs !== b.joinedAtMs) return a.joinedAtMs < b.joinedAtMs ? a.uid : b.uid;
	return a.uid < b.uid ? a.uid : b.uid;
}
