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
}

export type CallEvent =
	| { type: 'start' } // Start or New chat pressed: sign in, join the lobby
	| { type: 'joined' } // our waiting lobby entry is on the server
	| { type: 'matched' } // the matchmaker put us in a call
	| { type: 'channel-open' } // the data channel to the stranger is open
	| { type: 'partner-left' }
	| { type: 'connection-lost' } // the partner went silent and an ICE restart did not bring them back
	| { type: 'connection-failed'; error: UserFacingError }
	| { type: 'left' } // we ended the call (Next/Stop)
	| { type: 'reported' } // we reported the stranger, which ends the call
	| { type: 'stopped' } // back to the start page
	| { type: 'failed'; error: UserFacingError }; // anything else went wrong

export const initialCallState: CallState = { phase: 'idle', endReason: null, error: null };

const inCall = (phase: Phase) => phase === 'connecting' || phase === 'connected';

export function transition(state: CallState, event: CallEvent): CallState | null {
	const { phase } = state;
	switch (event.type) {
		case 'start':
			return phase === 'starting' ? null : { phase: 'starting', endReason: null, error: null };
		case 'joined':
			return phase === 'starting' ? { ...state, phase: 'searching' } : null;
		case 'matched':
			return phase === 'searching' ? { ...state, phase: 'connecting' } : null;
		case 'channel-open':
			return phase === 'connecting' ? { ...state, phase: 'connected' } : null;
		case 'partner-left':
			return inCall(phase) ? { phase: 'ended', endReason: 'partner-left', error: null } : null;
		case 'connection-lost':
			return phase === 'connected' ? { phase: 'ended', endReason: 'connection-lost', error: null } : null;
		case 'connection-failed':
			return inCall(phase) ? { phase: 'ended', endReason: 'connection-failed', error: event.error } : null;
		case 'left':
			return inCall(phase) || phase === 'searching' ? { phase: 'ended', endReason: 'you-left', error: null } : null;
		case 'reported':
			return inCall(phase) ? { phase: 'ended', endReason: 'you-reported', error: null } : null;
		case 'stopped':
			return phase === 'idle' ? null : { ...initialCallState };
		case 'failed':
			return phase === 'idle' && state.error ? null : { phase: 'ended', endReason: null, error: event.error };
	}
}
