import { describe, expect, it } from 'vitest';
import { transcriptFileName, transcriptText } from './transcript';

const at = (h: number, m: number) => new Date(2026, 11, 1, h, m).getTime();

describe('transcriptText', () => {
	it('lists who said what and when, with the stranger\'s name and how the chat ended', () => {
		const text = transcriptText(
			[
				{ from: 'stranger', text: 'hi', at: at(14, 5) },
				{ from: 'you', text: 'hello\nthere', at: at(14, 6) },
				{ from: 'notice', text: 'Some messages were hidden.', at: at(14, 7) }
			],
			'Alex',
			'Alex left'
		);
		expect(text).toBe(
			[
				'Tangent chat, 2026-12-01',
				'',
				'[14:05] Alex: hi',
				'[14:06] You: hello',
				'        there',
				'[14:07] (Some messages were hidden.)',
				'',
				'— Alex left',
				''
			].join('\n')
		);
	});

	it('says "Stranger" when that is what the partner was called, and copes with an empty chat', () => {
		expect(transcriptText([{ from: 'stranger', text: 'yo', at: at(9, 0) }], 'Stranger')).toContain('[09:00] Stranger: yo');
		expect(transcriptText([], 'Stranger')).toBe('Tangent chat\n\n');
	});

	it('labels your lines in the language of the page', () => {
		const text = transcriptText([{ from: 'you', text: 'hola', at: at(9, 1) }], 'Desconocido', null, 'Tú');
		expect(text).toContain('[09:01] Tú: hola');
	});
});

describe('transcriptFileName', () => {
	it('names the file after when the chat began', () => {
		expect(transcriptFileName([{ from: 'you', text: 'a', at: at(8, 3) }])).toBe('tangent-chat-2026-12-01-0803.txt');
		expect(transcriptFileName([], at(23, 59))).toBe('tangent-chat-2026-12-01-2359.txt');
	});
});
