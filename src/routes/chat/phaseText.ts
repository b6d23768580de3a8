// Every sentence the chat page says about where the chat is (the status line, the stage's
// caption, the empty log's hint), decided in one switch over the phase, so the three never
// drift apart. Pure: unit tests cover it.
import type { EndReason, Phase } from '$lib/call/session.svelte';

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

export function phaseText(c: PhaseContext): PhaseText {
	const name = c.partnerName;
	const device = c.mode === 'video' ? 'camera' : 'microphone';
	const finding = "Hang on, we're finding you someone to talk to.";
	if (c.gate === 'asking') return { status: `Waiting for your ${device}…`, tone: 'waiting', caption: 'Starting…', hint: null, widenedHint: false };
	if (c.gate === 'problem') return { status: `Can't use your ${device}`, tone: 'over', caption: 'Starting…', hint: null, widenedHint: false };
	const inCall = c.phase === 'connected' || c.phase === 'connecting';
	if (c.reconnecting && inCall) {
		return { status: 'Reconnecting…', tone: 'waiting', caption: 'Reconnecting…', hint: null, widenedHint: false };
	}
	switch (c.phase) {
		case 'idle':
			return { status: 'Not connected', tone: 'over', caption: 'Starting…', hint: null, widenedHint: false };
		case 'starting':
			return { status: 'Starting…', tone: 'waiting', caption: 'Starting…', hint: finding, widenedHint: false };
		case 'searching':
			return c.widened
				? {
						status: 'Looking for someone…',
						tone: 'waiting',
						caption: 'Looking for someone…',
						hint: "No one who shares your interests is here right now, so we're looking for anyone.",
						widenedHint: true
					}
				: { status: 'Looking for someone…', tone: 'waiting', caption: 'Looking for someone…', hint: finding, widenedHint: false };
		case 'connecting':
			return { status: 'Connecting…', tone: 'waiting', caption: 'Connecting…', hint: finding, widenedHint: false };
		case 'connected':
			return {
				status: name ? `Connected to ${name} — say hi!` : 'Connected — say hi!',
				tone: 'live',
				caption: c.mode === 'video' ? 'Waiting for the stranger’s video…' : 'Waiting for the stranger’s audio…',
				hint: "You're chatting with a random stranger. Say hi!",
				widenedHint: false
			};
		case 'ended':
			return {
				status: c.endReason ? endedStatus(c.endReason, name) : 'Not connected',
				tone: 'over',
				caption: 'Press New chat to meet someone',
				hint: null,
				widenedHint: false
			};
	}
}

function endedStatus(reason: EndReason, name: string | null): string {
	switch (reason) {
		case 'you-left':
			return 'You left the chat';
		case 'you-reported':
			return name ? `You reported ${name}` : 'You reported the stranger';
		case 'partner-left':
			return `${name ?? 'Stranger'} has left`;
		case 'connection-failed':
			return 'Connection failed';
		case 'connection-lost':
			return name ? `Connection to ${name} was lost` : 'Connection to the stranger was lost';
	}
}
