// Safe video's decision: whether the stranger's picture is blurred, from the classifier's
// scores on recent frames and the viewer's own choices. Pure, so every rule is unit-tested;
// the component feeds it events and renders `blurred` and `status`.
//
// The picture starts blurred. It clears only after several frames in a row look safe (one
// lucky frame is not enough); a single explicit frame blurs it again at once and offers
// Next and Report. The viewer may always show it anyway: showing a picture that is still
// being checked keeps protecting against explicit frames, while showing a picture that was
// flagged is a decision about this stranger, so nothing blurs it again during the call.

/** What the classifier (nsfwjs's five classes) says about one frame; probabilities summing to ~1. */
export interface FrameScores {
	drawing: number;
	hentai: number;
	neutral: number;
	porn: number;
	sexy: number;
}

export const SAFE_VIDEO_POLICY = Object.freeze({
	/** A frame whose porn + hentai probability reaches this is explicit: blur at once. */
	explicitAt: 0.6,
	/** A frame is safe when porn + hentai + sexy stays below this. */
	safeBelow: 0.3,
	/** Consecutive safe frames needed before the picture clears. */
	safeFramesToClear: 3
});

export type SafeVideoStatus =
	/** Blurred, waiting for enough safe frames (the start of every call). */
	| 'checking'
	/** Clear: recent frames looked safe. */
	| 'safe'
	/** Blurred because a frame looked explicit; Next and Report are offered. */
	| 'explicit'
	/** Blurred because the classifier could not run here; the viewer can still show the picture. */
	| 'unavailable'
	/** Clear because the viewer chose to see it. */
	| 'shown';

export interface SafeVideoState {
	status: SafeVideoStatus;
	/** Safe frames in a row since the last frame that was not. */
	safeStreak: number;
	/** The viewer showed a flagged picture: the classifier no longer blurs this call. */
	trusted: boolean;
}

export type SafeVideoEvent =
	| { type: 'scores'; scores: FrameScores }
	| { type: 'unavailable' }
	/** The viewer pressed "Show anyway". */
	| { type: 'show' }
	/** The viewer pressed "Blur" on a picture they had shown. */
	| { type: 'hide' };

export const INITIAL_SAFE_VIDEO: Readonly<SafeVideoState> = Object.freeze({
	status: 'checking',
	safeStreak: 0,
	trusted: false
});

export type FrameVerdict = 'explicit' | 'safe' | 'unsure';

export function frameVerdict(s: FrameScores, policy = SAFE_VIDEO_POLICY): FrameVerdict {
	const explicit = s.porn + s.hentai;
	if (explicit >= policy.explicitAt) return 'explicit';
	if (explicit + s.sexy < policy.safeBelow) return 'safe';
	return 'unsure';
}

export function isBlurred(state: SafeVideoState): boolean {
	return state.status !== 'safe' && state.status !== 'shown';
}

export function nextSafeVideo(state: SafeVideoState, event: SafeVideoEvent, policy = SAFE_VIDEO_POLICY): SafeVideoState {
	switch (event.type) {
		case 'show':
			return { status: 'shown', safeStreak: state.safeStreak, trusted: state.trusted || state.status === 'explicit' };
		case 'hide':
			return { ...INITIAL_SAFE_VIDEO };
		case 'unavailable':
			return state.status === 'shown' ? state : { ...state, status: 'unavailable', safeStreak: 0 };
		case 'scores': {
			if (state.trusted) return state;
			const verdict = frameVerdict(event.scores, policy);
			if (verdict === 'explicit') return { ...state, status: 'explicit', safeStreak: 0 };
			// A flagged picture stays blurred until the viewer acts (Next, Report or Show anyway):
			// safe frames after it do not clear it behind their back.
			if (state.status === 'explicit' || state.status === 'shown') {
				return { ...state, safeStreak: verdict === 'safe' ? state.safeStreak + 1 : 0 };
			}
			if (verdict === 'unsure') return { ...state, status: 'checking', safeStreak: 0 };
			const safeStreak = state.safeStreak + 1;
			return { ...state, safeStreak, status: safeStreak >= policy.safeFramesToClear ? 'safe' : 'checking' };
		}
	}
}
