import { describe, expect, it } from 'vitest';
import {
	frameVerdict,
	INITIAL_SAFE_VIDEO,
	isBlurred,
	nextSafeVideo,
	SAFE_VIDEO_POLICY,
	type FrameScores,
	type SafeVideoEvent,
	type SafeVideoState
} from './policy';

const SAFE: FrameScores = { drawing: 0.05, hentai: 0.01, neutral: 0.9, porn: 0.02, sexy: 0.02 };
const EXPLICIT: FrameScores = { drawing: 0.01, hentai: 0.04, neutral: 0.05, porn: 0.85, sexy: 0.05 };
/** Suggestive: neither safe enough to clear nor explicit enough to flag. */
const UNSURE: FrameScores = { drawing: 0.02, hentai: 0.02, neutral: 0.5, porn: 0.06, sexy: 0.4 };

const scores = (s: FrameScores): SafeVideoEvent => ({ type: 'scores', scores: s });

function run(events: SafeVideoEvent[], from: SafeVideoState = INITIAL_SAFE_VIDEO): SafeVideoState {
	return events.reduce((state, event) => nextSafeVideo(state, event), from);
}

describe('safe video policy', () => {
	it('judges a frame by its explicit and suggestive probabilities', () => {
		expect(frameVerdict(SAFE)).toBe('safe');
		expect(frameVerdict(EXPLICIT)).toBe('explicit');
		expect(frameVerdict(UNSURE)).toBe('unsure');
		// Hentai counts as explicit as much as porn does.
		expect(frameVerdict({ ...SAFE, neutral: 0.2, hentai: 0.7 })).toBe('explicit');
	});

	it('starts blurred and clears only after enough safe frames in a row', () => {
		expect(isBlurred(INITIAL_SAFE_VIDEO)).toBe(true);
		const almost = run(Array(SAFE_VIDEO_POLICY.safeFramesToClear - 1).fill(scores(SAFE)));
		expect(almost.status).toBe('checking');
		expect(isBlurred(almost)).toBe(true);
		const clear = nextSafeVideo(almost, scores(SAFE));
		expect(clear.status).toBe('safe');
		expect(isBlurred(clear)).toBe(false);
	});

	it('an unsure frame restarts the count', () => {
		const state = run([scores(SAFE), scores(SAFE), scores(UNSURE), scores(SAFE), scores(SAFE)]);
		expect(state.status).toBe('checking');
		expect(nextSafeVideo(state, scores(SAFE)).status).toBe('safe');
	});

	it('one explicit frame blurs a clear picture at once, and safe frames do not clear it again', () => {
		const clear = run(Array(SAFE_VIDEO_POLICY.safeFramesToClear).fill(scores(SAFE)));
		const flagged = nextSafeVideo(clear, scores(EXPLICIT));
		expect(flagged.status).toBe('explicit');
		expect(isBlurred(flagged)).toBe(true);
		const later = run(Array(10).fill(scores(SAFE)), flagged);
		expect(later.status).toBe('explicit');
	});

	it('the viewer can show a picture that is still being checked; an explicit frame blurs it again', () => {
		const shown = run([scores(UNSURE), { type: 'show' }]);
		expect(shown.status).toBe('shown');
		expect(isBlurred(shown)).toBe(false);
		expect(run([scores(SAFE), scores(UNSURE)], shown).status).toBe('shown');
		expect(nextSafeVideo(shown, scores(EXPLICIT)).status).toBe('explicit');
	});

	it('showing a flagged picture is the viewer\'s decision for the rest of the call', () => {
		const trusted = run([scores(EXPLICIT), { type: 'show' }]);
		expect(trusted).toMatchObject({ status: 'shown', trusted: true });
		expect(run([scores(EXPLICIT), scores(UNSURE)], trusted).status).toBe('shown');
		// Blurring it again by hand hands the decision back to the classifier.
		const hidden = nextSafeVideo(trusted, { type: 'hide' });
		expect(hidden).toEqual(INITIAL_SAFE_VIDEO);
		expect(nextSafeVideo(hidden, scores(EXPLICIT)).status).toBe('explicit');
	});

	it('stays blurred when the classifier cannot run, and the viewer can still show the picture', () => {
		const down = run([scores(SAFE), { type: 'unavailable' }]);
		expect(down.status).toBe('unavailable');
		expect(isBlurred(down)).toBe(true);
		expect(nextSafeVideo(down, { type: 'show' }).status).toBe('shown');
		// A picture the viewer already chose to see is not blurred by the classifier failing.
		expect(run([{ type: 'show' }, { type: 'unavailable' }]).status).toBe('shown');
	});
});
