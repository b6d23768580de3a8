import { describe, expect, it } from 'vitest';
import type { CallDoc, LobbyEntry } from './model';
import { InvalidRequestError } from './safety';
import { parseUndoRequest, parseUndoResponse, UNDO_ACCEPTED_FOR_MS, UNDO_WINDOW_MS, undoRefusal, type UndoFacts } from './undo';

const ALICE = 'alice'; // pressed Next
const BOB = 'bob'; // was skipped
const CALL_ID = 'call1';
const ENDED_AT = 1_000_000;

const common = { mode: 'text' as const, interests: [], language: null, joinedAtMs: ENDED_AT - 60_000, heartbeatAtMs: ENDED_AT };
const waiting: LobbyEntry = { ...common, status: 'waiting', joinedAtMs: ENDED_AT + 400 };
const left: LobbyEntry = { ...common, status: 'left' };
const matchedTo = (callId: string): LobbyEntry => ({
	...common,
	status: 'matched',
	callId,
	matchedAtMs: ENDED_AT - 60_000,
	partner: 'someone',
	role: 'answerer',
	commonInterests: [],
	resumes: null
});

function endedCall(overrides: Partial<CallDoc> = {}): CallDoc {
	return {
		members: [ALICE, BOB],
		offerer: ALICE,
		mode: 'text',
		commonInterests: [],
		status: 'ended',
		createdAtMs: ENDED_AT - 60_000,
		endedBy: ALICE,
		endedAtMs: ENDED_AT,
		resumes: null,
		undoneAs: null,
		gone: [],
		...overrides
	};
}

/** Alice asks 3 s after her Next; Bob still sees "Stranger left", Alice is searching again. */
function facts(overrides: Partial<UndoFacts> = {}): UndoFacts {
	return {
		uid: ALICE,
		callId: CALL_ID,
		call: endedCall(),
		nowMs: ENDED_AT + 3_000,
		callerEntry: waiting,
		partnerEntry: left,
		blocked: false,
		...overrides
	};
}

describe('undoRefusal: who may undo, when, and whom it brings back', () => {
	it('the one who pressed Next, within the window, while both are free → allowed', () => {
		expect(undoRefusal(facts())).toBeNull();
	});

	it('the partner still on the ended chat before the cleanup ran (entry still names it) → allowed', () => {
		expect(undoRefusal(facts({ partnerEntry: matchedTo(CALL_ID) }))).toBeNull();
	});

	it('the partner pressed New chat and is still waiting, same mode → allowed (reunited)', () => {
		expect(undoRefusal(facts({ partnerEntry: waiting }))).toBeNull();
	});

	it('the partner waits in another mode → refused: not the same kind of chat', () => {
		expect(undoRefusal(facts({ partnerEntry: { ...waiting, mode: 'video' } }))).toBe('partner-moved-on');
	});

	it('the partner was matched with someone else → refused', () => {
		expect(undoRefusal(facts({ partnerEntry: matchedTo('another') }))).toBe('partner-moved-on');
	});

	it('the partner pressed Stop or closed the tab (gone) → refused', () => {
		expect(undoRefusal(facts({ call: endedCall({ gone: [BOB] }) }))).toBe('partner-moved-on');
	});

	it('the partner has no entry any more → refused', () => {
		expect(undoRefusal(facts({ partnerEntry: null }))).toBe('partner-moved-on');
	});

	it('at the edge of the accepted time → allowed; a moment later → too late', () => {
		expect(undoRefusal(facts({ nowMs: ENDED_AT + UNDO_ACCEPTED_FOR_MS }))).toBeNull();
		expect(undoRefusal(facts({ nowMs: ENDED_AT + UNDO_ACCEPTED_FOR_MS + 1 }))).toBe('too-late');
	});

	it('the server accepts a little longer than the page offers (a click on the last second still lands)', () => {
		expect(UNDO_ACCEPTED_FOR_MS).toBeGreaterThan(UNDO_WINDOW_MS);
		expect(undoRefusal(facts({ nowMs: ENDED_AT + UNDO_WINDOW_MS + 500 }))).toBeNull();
	});

	it('the skipped partner asks (they did not press Next) → refused', () => {
		expect(undoRefusal(facts({ uid: BOB, callerEntry: waiting, partnerEntry: waiting }))).toBe('not-yours');
	});

	it('a stranger to the call asks → refused', () => {
		expect(undoRefusal(facts({ uid: 'mallory' }))).toBe('not-a-member');
	});

	it('no such call → refused', () => {
		expect(undoRefusal(facts({ call: null }))).toBe('not-a-member');
	});

	it('the call is still on → refused', () => {
		expect(undoRefusal(facts({ call: endedCall({ status: 'active', endedBy: null, endedAtMs: null }) }))).toBe('not-yours');
	});

	it('a call the sweep ended (nobody pressed Next) → refused', () => {
		expect(undoRefusal(facts({ call: endedCall({ endedBy: null }) }))).toBe('not-yours');
	});

	it('once per call: a call already brought back → refused', () => {
		expect(undoRefusal(facts({ call: endedCall({ undoneAs: 'call2' }) }))).toBe('already-undone');
	});

	it('a call that was itself an undo cannot be undone again (no Next–Undo loop)', () => {
		expect(undoRefusal(facts({ call: endedCall({ resumes: 'call0' }) }))).toBe('undone-before');
	});

	it('a block, a report or a ban on either side → refused, even within the window', () => {
		expect(undoRefusal(facts({ blocked: true }))).toBe('blocked');
		expect(undoRefusal(facts({ blocked: true, partnerEntry: waiting }))).toBe('blocked');
	});

	it("the caller's own search was matched meanwhile, or left → refused", () => {
		expect(undoRefusal(facts({ callerEntry: matchedTo('call9') }))).toBe('you-moved-on');
		expect(undoRefusal(facts({ callerEntry: left }))).toBe('you-moved-on');
		expect(undoRefusal(facts({ callerEntry: null }))).toBe('you-moved-on');
	});
});

describe('parseUndoRequest', () => {
	it('takes a call id', () => {
		expect(parseUndoRequest({ callId: 'abcDEF123' })).toEqual({ callId: 'abcDEF123' });
	});

	it.each([[null], ['abc'], [[]], [{}], [{ callId: '' }], [{ callId: 'a/b' }], [{ callId: 'x'.repeat(129) }], [{ callId: 'abc', partner: 'bob' }]])(
		'refuses %j',
		(data) => {
			expect(() => parseUndoRequest(data)).toThrow(InvalidRequestError);
		}
	);
});

describe('parseUndoResponse', () => {
	it('reads both answers', () => {
		expect(parseUndoResponse({ outcome: 'resumed', callId: 'c2' })).toEqual({ outcome: 'resumed', callId: 'c2' });
		expect(parseUndoResponse({ outcome: 'refused', reason: 'too-late' })).toEqual({ outcome: 'refused', reason: 'too-late' });
	});

	it('refuses anything else', () => {
		expect(() => parseUndoResponse({ outcome: 'refused', reason: 'because' })).toThrow();
		expect(() => parseUndoResponse({ outcome: 'resumed' })).toThrow();
		expect(() => parseUndoResponse(null)).toThrow();
	});
});
