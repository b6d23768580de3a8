// The life of one chat session, as a pure state machine: the UI and the session object
// read `phase`, and only `transition` changes it. Events that do not apply in the current
// phase (a late "partner left" after we already left, say) are ignored, returning null.

export type Phase = 'idle' | 'starting' | 'searching' | 'connecting' | 'connected' | 'ended';
export type EndReason = 'you-left' | 'you-reported' | 'partner-left' | 'connection-failed' | 'connection-lost';

export interface UserFacingError {
	code: string;
	message: string;
}

export interface CallState {
	phase: Phase;
	endReason: EndReason | null;
	error: UserFacingError | null;
	/** Connected, but the stranger has gone quiet or the network dropped: repairing (ICE restart). */
	reconnecting: boolean;
	/**
	 * The call a report would be about: set when its data channel opens (the stranger could
	 * reach us), kept after it ends, cleared by the next search, so never the previous
	 * stranger's once a new match comes.
	 */
	reportable: string | null;
	/** The reportable call was reported (once per call). */
	reported: boolean;
	/** Why we are searching again without being asked (a connection that failed), until the next call connects. */
	notice: string | null;
}

export type CallEvent =
	| { type: 'start'; notice?: string } // Start or New chat pressed, or a failed connection: sign in, join the lobby
	| { type: 'joined' } // our waiting lobby entry is on the server
	| { type: 'matched' } // the matchmaker put us in a call
	| { type: 'resumed' } // the stranger who left with Next undid it: the same two in a new call
	| { type: 'channel-open'; callId: string } // the data channel to the stranger is open
	| { type: 'trouble' } // connected, but silence or a dropped network: repairing
	| { type: 'recovered' } // heard from them again
	| { type: 'partner-left' }
	| { type: 'connection-lost' } // the partner went silent and an ICE restart did not bring them back
	| { type: 'connection-failed'; error: UserFacingError }
	| { type: 'left' } // we ended the call (Next/Stop)
	| { type: 'reported' } // we reported the stranger, which ends the call
	| { type: 'report-sent'; callId: string } // the report about that call went through
	| { type: 'stopped' } // back to the start page
	| { type: 'failed'; error: UserFacingError }; // anything else went wrong

export const initialCallState: CallState = {
	phase: 'idle',
	endReason: null,
	error: null,
	reconnecting: false,
	reportable: null,
	reported: false,
	notice: null
};

const inCall = (phase: Phase) => phase === 'connecting' || phase === 'connected';

/** The call is over: why, and the report it may still get. */
const ended = (state: CallState, endReason: EndReason | null, error: UserFacingError | null): CallState => ({
	...state,
	phase: 'ended',
	endReason,
	error,
	reconnecting: false
});

export function transition(state: CallState, event: CallEvent): CallState | null {
	const { phase } = state;
	switch (event.type) {
		case 'start':
			return phase === 'starting' ? null : { ...initialCallState, phase: 'starting', notice: event.notice ?? null };
		case 'joined':
			return phase === 'starting' ? { ...state, phase: 'searching' } : null;
		case 'matched':
			return phase === 'searching' ? { ...state, phase: 'connecting' } : null;
		case 'resumed':
			// From the ended chat, which stays on screen (a page that pressed New chat meanwhile
			// is searching, and gets the call as a match).
			return phase === 'ended' && !state.reported ? { ...initialCallState, phase: 'connecting' } : null;
		case 'channel-open':
			return phase === 'connecting' ? { ...state, phase: 'connected', reportable: event.callId, reported: false, notice: null } : null;
		case 'trouble':
			return phase === 'connected' && !state.reconnecting ? { ...state, reconnecting: true } : null;
		case 'recovered':
			return phase === 'connected' && state.reconnecting ? { ...state, reconnecting: false } : null;
		case 'partner-left':
			return inCall(phase) ? ended(state, 'partner-left', null) : null;
		case 'connection-lost':
			return phase === 'connected' ? ended(state, 'connection-lost', null) : null;
		case 'connection-failed':
			return inCall(phase) ? ended(state, 'connection-failed', event.error) : null;
		case 'left':
			return inCall(phase) || phase === 'searching' ? ended(state, 'you-left', null) : null;
		case 'reported':
			return inCall(phase) ? ended(state, 'you-reported', null) : null;
		case 'report-sent':
			return state.reportable === event.callId && !state.reported ? { ...state, reported: true } : null;
		case 'stopped':
			return phase === 'idle' ? null : { ...initialCallState };
		case 'failed':
			// Not once the user stopped, nor once the call has ended: a write refused after the
			// end (a signal queued before it) must not turn "Stranger has left" into an error.
			return phase === 'idle' || phase === 'ended' ? null : ended(state, null, event.error);
	}
}
