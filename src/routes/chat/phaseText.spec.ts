import { describe, expect, it } from 'vitest';
import { en } from '$lib/i18n/en';
import { es } from '$lib/i18n/es';
import { phaseText as inLanguage, type PhaseContext } from './phaseText';

const phaseText = (c: PhaseContext) => inLanguage(en, c);

const base: PhaseContext = {
	phase: 'searching',
	endReason: null,
	reconnecting: false,
	gate: null,
	mode: 'text',
	partnerName: null,
	widened: false
};

describe('phaseText', () => {
	it('says the same thing in the status and the caption while looking', () => {
		const words = phaseText(base);
		expect(words).toMatchObject({ status: 'Looking for someone…', caption: 'Looking for someone…', tone: 'waiting' });
		expect(words.hint).toBe("Hang on, we're finding you someone to talk to.");
	});

	it('says when a search widened, in the hint only', () => {
		const words = phaseText({ ...base, widened: true });
		expect(words.status).toBe('Looking for someone…');
		expect(words.widenedHint).toBe(true);
		expect(words.hint).toMatch(/looking for anyone/);
	});

	it('names the stranger once connected, and says what the stage waits for', () => {
		const words = phaseText({ ...base, phase: 'connected', partnerName: 'Alex', mode: 'audio' });
		expect(words).toMatchObject({ status: 'Connected to Alex — say hi!', tone: 'live' });
		expect(words.caption).toBe('Waiting for the stranger’s audio…');
	});

	it('says how a chat ended', () => {
		expect(phaseText({ ...base, phase: 'ended', endReason: 'partner-left' }).status).toBe('Stranger has left');
		expect(phaseText({ ...base, phase: 'ended', endReason: 'you-reported', partnerName: 'Alex' }).status).toBe(
			'You reported Alex'
		);
		expect(phaseText({ ...base, phase: 'ended', endReason: null }).tone).toBe('over');
	});

	it('puts the devices and a dropped connection before the phase', () => {
		expect(phaseText({ ...base, gate: 'asking', mode: 'video' }).status).toBe('Waiting for your camera…');
		expect(phaseText({ ...base, gate: 'problem', mode: 'audio' }).status).toBe("Can't use your microphone");
		expect(phaseText({ ...base, phase: 'connected', reconnecting: true }).status).toBe('Reconnecting…');
		expect(phaseText({ ...base, phase: 'searching', reconnecting: true }).status).toBe('Looking for someone…');
	});

	it('speaks the table it is given', () => {
		expect(inLanguage(es, base).status).toBe('Buscando a alguien…');
		expect(inLanguage(es, { ...base, phase: 'ended', endReason: 'partner-left' }).status).toBe('El desconocido se ha ido');
	});
});
