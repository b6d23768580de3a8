// Undo after an accidental Next: the one who pressed Next may, for a few seconds, bring back
// the same stranger in the same kind of chat, if that stranger has not moved on (matched
// with someone else, closed the tab, pressed Stop) and neither has blocked or reported the
// other. The `undoNext` callable applies `undoRefusal` inside a transaction; the pages
// learn of the new call through their lobby entries, as they learn of any match.
//
// Pure code (no SDK): the app imports it through `$shared`.
import { DocumentShapeError, reader, type CallDoc, type FirestoreData, type LobbyEntry } from './model';
import { InvalidRequestError } from './safety';

/** How long the page offers Undo after Next (the countdown the user sees). */
export const UNDO_WINDOW_MS = 8_000;
/**
 * The server accepts an undo this long after the old call's `endedAt`: the offer's window
 * plus the time a click takes to reach the function on a slow network. firestore.rules
 * (isGoneWrite) states the same number; tests/rules/undo.spec.ts checks they agree.
 */
export const UNDO_ACCEPTED_FOR_MS = UNDO_WINDOW_MS + 2_000;

export interface UndoRequest {
	/** The call the caller left with Next. */
	callId: string;
}

/** Why an undo is refused; the page says "They have already moved on" for most. */
export const UNDO_REFUSALS = [
	/** No such call, or the caller was not in it. */
	'not-a-member',
	/** The call is still on, or was ended by the partner (only the one who pressed Next may undo). */
	'not-yours',
	/** Past UNDO_ACCEPTED_FOR_MS after the end. */
	'too-late',
	/** Once per call: this call was brought back already. */
	'already-undone',
	/** The call was itself an undo: no Next–Undo loop to pester someone with. */
	'undone-before',
	/** A block, a report or a ban on either side. */
	'blocked',
	/** The partner was matched with someone else, pressed Stop or closed the tab. */
	'partner-moved-on',
	/** The caller's own search is no longer waiting (matched meanwhile, or left). */
	'you-moved-on'
] as const;
export type UndoRefusal = (typeof UNDO_REFUSALS)[number];

export type UndoResponse = { outcome: 'resumed'; callId: string } | { outcome: 'refused'; reason: UndoRefusal };

const CALL_ID_PATTERN = /^[A-Za-z0-9]{1,128}$/;

export function parseUndoRequest(data: unknown): UndoRequest {
	if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new InvalidRequestError('Send {callId}.');
	const body = data as FirestoreData;
	const unknownKeys = Object.keys(body).filter((k) => k !== 'callId');
	if (unknownKeys.length > 0) throw new InvalidRequestError(`Unknown field(s): ${unknownKeys.join(', ')}.`);
	if (typeof body.callId !== 'string' || !CALL_ID_PATTERN.test(body.callId)) {
		throw new InvalidRequestError('callId must be the id of the call you left.');
	}
	return { callId: body.callId };
}

export function parseUndoResponse(data: unknown): UndoResponse {
	if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new DocumentShapeError('undoNext', 'not an object');
	const read = reader('undoNext', data as FirestoreData);
	const outcome = read.oneOf('outcome', ['resumed', 'refused'] as const);
	if (outcome === 'resumed') return { outcome, callId: read.string('callId', 128) };
	return { outcome, reason: read.oneOf('reason', UNDO_REFUSALS) };
}

/** What the transaction read, for the decision. */
export interface UndoFacts {
	uid: string;
	callId: string;
	/** null: no such call. */
	call: CallDoc | null;
	nowMs: number;
	callerEntry: LobbyEntry | null;
	partnerEntry: LobbyEntry | null;
	/** Either blocks the other (a report blocks too), either reported this call, or either is banned. */
	blocked: boolean;
}

/** null: bring them back together. Otherwise why not. The order is what the caller is told first. */
export function undoRefusal(f: UndoFacts): UndoRefusal | null {
	const { call, uid } = f;
	if (!call || !call.members.includes(uid)) return 'not-a-member';
	if (call.status !== 'ended' || call.endedBy !== uid || call.endedAtMs === null) return 'not-yours';
	if (f.nowMs - call.endedAtMs > UNDO_ACCEPTED_FOR_MS) return 'too-late';
	if (call.undoneAs) return 'already-undone';
	if (call.resumes) return 'undone-before';
	if (f.blocked) return 'blocked';
	const partner = call.members[0] === uid ? call.members[1] : call.members[0];
	if (call.gone?.includes(partner) || !isStillFree(f.partnerEntry, f.callId, call)) return 'partner-moved-on';
	// The caller's own search after Next: in line, in the same mode.
	if (f.callerEntry?.status !== 'waiting' || f.callerEntry.mode !== call.mode) return 'you-moved-on';
	return null;
}

/**
 * The partner has not moved on: still on the ended chat (their entry still names it, or the
 * cleanup marked it left), or looking for someone new in the same mode (New chat) and not
 * matched yet. Stop and a closed tab leave the entry left too: those pages say so in the
 * call's `gone` (checked by the caller).
 */
function isStillFree(entry: LobbyEntry | null, callId: string, call: CallDoc): boolean {
	if (entry === null) return false;
	if (entry.status === 'matched') return entry.callId === callId;
	if (entry.status === 'waiting') return entry.mode === call.mode;
	return true;
}
