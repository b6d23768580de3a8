// Every word the interface says, in English: the one place to change them, and the shape
// every other language must fill (es.ts is typed against it, so a missing string fails the
// type check). Sentences with a value in them are functions, so each language orders its
// own words. Errors keep their codes (errors.ts, mediaErrors.ts) and are worded here.
import type { ChatMode } from '$shared/model';
import { REPORT_REASON_LABELS, type ReportReason } from '$shared/safety';
import { bannedUntilSentence, USER_ERRORS, type UserErrorCode } from '$lib/errors';
import { mediaProblemMessage, type MediaProblemCode } from '$lib/media/mediaErrors';
import type { EndReason } from '$lib/call/callState';

type Wants = 'video' | 'audio';

/** errors.ts words them in English (the session's errors carry these sentences). */
const USER_ERROR_WORDS: Record<UserErrorCode, string> = USER_ERRORS;

/** $shared/safety names them (the operator's report view shows the same words). */
const REPORT_REASON_WORDS: Record<ReportReason, string> = REPORT_REASON_LABELS;
const things = (wants: Wants) => (wants === 'video' ? 'camera and microphone' : 'microphone');

export const en = {
	stranger: 'Stranger',
	you: 'You',
	start: {
		title: 'Tangent — talk to a stranger',
		pitch: 'Talk to a random stranger. No signup.',
		online: (count: string, n: number) => `${count} ${n === 1 ? 'person' : 'people'} online`,
		chatMode: 'Chat mode',
		modes: {
			text: { label: 'Text', hint: 'Type only' },
			video: { label: 'Video', hint: 'Camera + mic' },
			audio: { label: 'Audio', hint: 'Mic only' }
		} satisfies Record<ChatMode, { label: string; hint: string }>,
		yourName: 'Your name',
		optional: '(optional)',
		namePlaceholder: 'Stranger',
		nameHint: 'Shown to the stranger instead of "Stranger". It goes only to their browser and is never stored.',
		interests: 'Interests',
		yourInterests: 'Your interests',
		removeInterest: (tag: string) => `Remove ${tag}`,
		interestsFull: (max: number) => `That's ${max}`,
		addAnother: 'Add another',
		interestsPlaceholder: 'music, films, chess…',
		interestsHint: (max: number) => `We'll look for someone who shares one. Up to ${max}; Enter or comma after each.`,
		interestBadChars: 'Use letters and numbers, like "music" or "board games".',
		interestTooMany: (max: number, tag: string) => `Up to ${max} interests: remove one to add "${tag}".`,
		language: 'Language',
		anyLanguage: 'Any language',
		interfaceLanguage: 'Page language',
		interfaceAuto: (name: string) => `Browser's choice (${name})`,
		hideIp: 'Hide my IP',
		hideIpHint: 'Use a relay so the stranger never sees your IP address (may reduce quality).',
		safeVideo: 'Safe video',
		safeVideoHint:
			"Blur the stranger's video until it looks safe. Checked on this device: the frames and the results never leave it.",
		alerts: 'Sound and notification',
		alertsHint: 'When someone connects or writes while this tab is in the background.',
		alertsBlocked: 'Your browser blocks notifications for this site: allow them in its site settings to get them.',
		start: 'Start',
		smallPrint: 'You must be 18+. Be kind. Messages go directly between browsers and are never stored.',
		rulesLink: 'Rules and privacy'
	},
	chat: {
		heading: 'Chat with a stranger',
		chatting: 'Chatting',
		home: 'Home',
		stop: 'Stop',
		next: 'Next',
		newChat: 'New chat',
		nextTitle: 'Next stranger (Esc twice)',
		controls: 'Chat controls',
		textChat: 'Text chat',
		dropHint: 'Drop to send to the stranger',
		escAsk: 'Press Esc again to leave this chat',
		undo: {
			offer: 'Left by mistake?',
			button: (seconds: number) => `Undo (${seconds})`,
			asking: 'Going back…',
			movedOn: 'They have already moved on. Still looking for someone new…',
			tooLate: 'Too late to go back. Still looking for someone new…',
			failed: "Couldn't go back to that chat. Still looking for someone new…",
			youWentBack: (name: string) => `You're back with ${name}.`,
			theyCameBack: (name: string) => `${name} came back.`
		},
		keep: 'Keep this chat?',
		save: 'Save',
		copy: 'Copy',
		copied: 'Copied',
		chatCopied: 'Chat copied',
		backToStart: 'Back to the start page',
		cameraOff: 'Camera off',
		muted: 'Muted',
		micOn: 'Mic on',
		onTheLine: 'On the line',
		waiting: 'Waiting…',
		somethingWrong: 'Something went wrong. Please try again.',
		copyFailed: "Couldn't copy the chat here. Use Save instead, which downloads it as a text file.",
		filesFailed: "Files can't be shared in this chat: that part of the page didn't load. Text chat still works.",
		mediaKitFailed: "Video and audio chat didn't load. Check your connection, then press Stop and start again.",
		endings: {
			'you-left': (): string => 'You left',
			'you-reported': (name: string) => `You reported ${name}`,
			'partner-left': (name: string) => `${name} left`,
			'connection-failed': (): string => "Couldn't connect",
			'connection-lost': (name: string) => `Lost the connection to ${name}`
		} satisfies Record<EndReason, (name: string) => string>,
		notifyMatch: 'Someone is here to chat',
		notifyMessage: (name: string) => `New message from ${name}`
	},
	phase: {
		waitingFor: (wants: Wants) => `Waiting for your ${wants === 'video' ? 'camera' : 'microphone'}…`,
		cantUse: (wants: Wants) => `Can't use your ${wants === 'video' ? 'camera' : 'microphone'}`,
		reconnecting: 'Reconnecting…',
		notConnected: 'Not connected',
		starting: 'Starting…',
		looking: 'Looking for someone…',
		connecting: 'Connecting…',
		connected: (name: string | null) => (name ? `Connected to ${name} — say hi!` : 'Connected — say hi!'),
		waitingForMedia: (wants: Wants): string =>
			wants === 'video' ? 'Waiting for the stranger’s video…' : 'Waiting for the stranger’s audio…',
		pressNewChat: 'Press New chat to meet someone',
		finding: "Hang on, we're finding you someone to talk to.",
		widened: "No one who shares your interests is here right now, so we're looking for anyone.",
		sayHi: "You're chatting with a random stranger. Say hi!",
		ended: {
			'you-left': (): string => 'You left the chat',
			'you-reported': (name: string | null) => (name ? `You reported ${name}` : 'You reported the stranger'),
			'partner-left': (name: string | null) => `${name ?? 'Stranger'} has left`,
			'connection-failed': (): string => 'Connection failed',
			'connection-lost': (name: string | null) =>
				name ? `Connection to ${name} was lost` : 'Connection to the stranger was lost'
		} satisfies Record<EndReason, (name: string | null) => string>
	},
	log: {
		conversation: 'Conversation',
		messages: 'Messages',
		newMessages: 'New messages ↓',
		fileCardFailed: "Couldn't show this file: part of the page didn't load. Check your connection.",
		typing: (name: string) => `${name} is typing…`,
		bothLike: 'You both like:',
		noCommon: 'No common interests found — random stranger'
	},
	composer: {
		message: 'Message',
		placeholder: 'Type a message…',
		notConnected: 'Not connected',
		send: 'Send',
		sendFile: 'Send a file',
		sendFileTitle: (max: string) => `Send a file (pictures, PDFs, text, office documents, audio; up to ${max})`,
		pickerFailed: "Couldn't open the file picker. Check your connection and try again."
	},
	file: {
		uploading: (name: string) => `Uploading ${name}`,
		cancel: 'Cancel',
		canceled: 'Canceled: nothing was sent.',
		tryAgain: 'Try again',
		gone: 'No longer available: shared files vanish when the call ends.',
		sent: 'Sent',
		open: 'Open',
		download: 'Download',
		downloading: 'Downloading…',
		loadingPicture: 'Loading picture…'
	},
	media: {
		audioCall: 'Audio call',
		video: 'Video',
		tapToHear: 'Tap to hear the stranger',
		tapToSeeAndHear: 'Tap to see and hear the stranger',
		yourDevices: 'Your camera and microphone',
		mute: 'Mute microphone',
		unmute: 'Unmute microphone',
		cameraOff: 'Turn camera off',
		cameraOn: 'Turn camera on',
		chooseDevices: 'Choose camera and microphone',
		camera: 'Camera',
		microphone: 'Microphone',
		allow: (wants: Wants) => `Allow your ${things(wants)}`,
		allowText: (wants: Wants) =>
			`Your browser will ask whether Tangent may use your ${things(wants)}. Choose Allow. You'll see yourself while we look for someone; the stranger sees and hears you only once you're connected.`,
		tryAgain: 'Try again',
		continueText: 'Continue with text chat',
		continueAudio: 'Continue with audio only',
		audioOnlyOffer: 'Your microphone works: you can chat by voice instead, in one click.',
		titles: {
			'permission-denied': 'Permission denied',
			'no-device': 'No device found',
			'device-busy': 'Device busy',
			'insecure-context': 'Secure page needed',
			unsupported: 'Browser not supported',
			unknown: "Couldn't start"
		} satisfies Record<MediaProblemCode, string>,
		/** mediaErrors.ts words them in English (with the codes it derives them from). */
		problem: (code: MediaProblemCode, wants: Wants, phone: boolean): string =>
			mediaProblemMessage(code, wants, phone ? 'phone' : 'desktop')
	},
	quality: {
		label: 'Connection quality:',
		levels: { good: 'Good', fair: 'Fair', poor: 'Poor', unknown: 'Checking…' },
		title: (rtt: string | null, loss: string | null) =>
			`Connection quality${rtt ? `, round trip ${rtt}` : ''}${loss ? `, ${loss}` : ''}`,
		loss: (pct: string) => `${pct}% loss`,
		direct: 'Direct',
		directTitle: 'Direct connection between your browser and the stranger’s',
		relayed: 'Relayed',
		relayedTitle: 'Relayed through a server: the stranger can’t see your IP address'
	},
	report: {
		report: 'Report',
		reported: 'Reported',
		reportTitle: 'Report this stranger',
		reportedTitle: 'You reported this stranger',
		what: (hasName: boolean, live: boolean) =>
			`Tangent receives this call's id, their anonymous id, your reason and your note${hasName ? ', and their name only if you attach it' : ''}. No messages, video or files are sent. You won't be matched with them again${live ? ', and this chat ends' : ''}.`,
		why: 'Why are you reporting them?',
		reasons: REPORT_REASON_WORDS,
		note: 'Anything else we should know?',
		characters: (n: number, max: number) => `${n}/${max} characters`,
		attachName: 'Attach the name they showed:',
		cancel: 'Cancel',
		sending: 'Sending…',
		reportAndLeave: 'Report and leave',
		send: 'Send report',
		failed: 'The report could not be sent. Try again in a moment.'
	},
	safeVideo: {
		checking: 'Safe video is checking this video',
		unavailable: "Safe video couldn't start here",
		checkingText: 'It stays blurred until it looks safe.',
		unavailableText: 'The video stays blurred. You can show it if you want to.',
		onDevice: 'Checked on this device: the frames and the results never leave it.',
		show: 'Show video',
		flagged: 'This video may show nudity',
		flaggedText: 'Safe video blurred it. Meet someone else, or report this stranger.',
		next: 'Next',
		report: 'Report',
		reporting: 'Reporting…',
		showAnyway: 'Show anyway',
		blurAgain: 'Blur video',
		reportFailed: "The report wasn't sent. Try again."
	},
	errors: USER_ERROR_WORDS,
	bannedUntil: bannedUntilSentence,
	notFound: {
		missing: 'Page not found',
		broken: 'Something went wrong',
		missingText: "There's nothing at this address. Chats have no links of their own, so an old one leads nowhere.",
		brokenText: 'This page could not be shown. Going back to the start usually helps.',
		home: 'Go to the start page'
	},
	terms: {
		/** Said above the rules when they are shown in English to someone reading another language; '' in English. */
		englishOnly: ''
	}
};

export type Messages = typeof en;
