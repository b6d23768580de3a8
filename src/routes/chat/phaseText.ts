// Every sentence the chat page says about where the chat is (the status line, the stage's
// caption, the empty log's hint), decided in one switch over the phase, so the three never
// drift apart. Pure: unit tests cover it.
import type { EndReason, Phase } from '$lib/call/session.svelte';
import type { Messages } from '$lib/i18n/en';

export interface PhaseContext {
	phase: Phase;
	endReason: EndReason | null;
	/** The call's connection dropped and is being restored. */
	reconnecting: boolean;
	/** Before the search in video/audio mode: waiting for the devices, or they failed. */
	gate: 'asking' | 'problem' | null;
	/** What the chat shows and sends: text only, or video/audio too. */
	mode: 'text' | 'video' | 'audio';
	/** The name the stranger chose to show; null: "the stranger". */
	partnerName: string | null;
	/** Searching with interests, and no one sharing them came: now anyone will do. */
	widened: boolean;
}

/** The colour of the status dot: waiting, live, or over. */
export type Tone = 'waiting' | 'live' | 'over';

export interface PhaseText {
	status: string;
	tone: Tone;
	/** What the stage says while the stranger's picture or voice is not there. */
	caption: string;
	/** Said in an empty conversation; null: nothing. */
	hint: string | null;
	/** The hint is the widened search's (tests and screen readers find it). */
	widenedHint: boolean;
}

export function phaseText(t: Messages, c: PhaseContext): PhaseText {
	const p = t.phase;
	const wants = c.mode === 'audio' ? 'audio' : 'video';
	const quiet = { hint: null, widenedHint: false };
	if (c.gate === 'asking') return { status: p.waitingFor(wants), tone: 'waiting', caption: p.starting, ...quiet };
	if (c.gate === 'problem') return { status: p.cantUse(wants), tone: 'over', caption: p.starting, ...quiet };
	const inCall = c.phase === 'connected' || c.phase === 'connecting';
	if (c.reconnecting && inCall) return { status: p.reconnecting, tone: 'waiting', caption: p.reconnecting, ...quiet };
	const finding = { hint: p.finding, widenedHint: false };
	switch (c.phase) {
		case 'idle':
			return { status: p.notConnected, tone: 'over', caption: p.starting, ...quiet };
		case 'starting':
			return { status: p.starting, tone: 'waiting', caption: p.starting, ...finding };
		case 'searching':
			return {
				status: p.looking,
				tone: 'waiting',
				caption: p.looking,
				...(c.widened ? { hint: p.widened, widenedHint: true } : finding)
			};
		case 'connecting':
			return { status: p.connecting, tone: 'waiting', caption: p.connecting, ...finding };
		case 'connected':
			return {
				status: p.connected(c.partnerName),
				tone: 'live',
				caption: p.waitingForMedia(wants),
				hint: p.sayHi,
				widenedHint: false
			};
		case 'ended':
			return {
				status: c.endReason ? p.ended[c.endReason](c.partnerName) : p.notConnected,
				tone: 'over',
				caption: p.pressNewChat,
				...quiet
			};
	}
}
