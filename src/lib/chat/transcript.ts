// A chat's transcript as plain text, for the user's own copy (the clipboard, or a file
// saved by their browser). Nothing is uploaded: the words exist only in the two browsers.

export interface TranscriptLine {
	from: 'you' | 'stranger' | 'notice';
	text: string;
	at: number;
}

/** Two digits, for times. */
const pad = (n: number) => String(n).padStart(2, '0');

function clock(at: number): string {
	const d = new Date(at);
	return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * One line per message, "[14:05] You: hi", continuation lines indented; notices in
 * brackets; `ending` ("Alex left") last. The date of the first message heads it.
 */
export function transcriptText(
	lines: readonly TranscriptLine[],
	partner: string,
	ending: string | null = null,
	/** How the page's language says "You". */
	you = 'You'
): string {
	const first = lines[0];
	const head = first ? `Tangent chat, ${new Date(first.at).toLocaleDateString('en-CA')}` : 'Tangent chat';
	const body = lines.map((line) => {
		const who = line.from === 'you' ? `${you}: ` : line.from === 'stranger' ? `${partner}: ` : '';
		const text = line.from === 'notice' ? `(${line.text})` : line.text;
		return `[${clock(line.at)}] ${who}${text.replace(/\n/g, '\n        ')}`;
	});
	return [head, '', ...body, ...(ending ? ['', `— ${ending}`] : [])].join('\n') + '\n';
}

/** A file name for the download: the date and time the chat began, no characters a file system refuses. */
export function transcriptFileName(lines: readonly TranscriptLine[], now: number = Date.now()): string {
	const d = new Date(lines[0]?.at ?? now);
	return `tangent-chat-${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}.txt`;
}
