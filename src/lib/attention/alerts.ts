// Sound and a system notification when something happens in a tab the user is not looking at
// (a match, a new message). Off until the user turns it on with the start page's switch (a
// click, so the browser lets us ask for notification permission); remembered in this browser.
// Never plays while the tab is visible: the page itself shows what happened.

export const ALERTS_KEY = 'tangent.alerts.v1';

export type AlertsStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function browserStorage(): AlertsStorage | null {
	try {
		return globalThis.localStorage ?? null;
	} catch {
		return null;
	}
}

/** The user turned alerts on (on the start page). */
export function alertsWanted(storage: AlertsStorage | null = browserStorage()): boolean {
	try {
		return storage?.getItem(ALERTS_KEY) === 'on';
	} catch {
		return false;
	}
}

export function rememberAlerts(on: boolean, storage: AlertsStorage | null = browserStorage()): void {
	try {
		if (on) storage?.setItem(ALERTS_KEY, 'on');
		else storage?.removeItem(ALERTS_KEY);
	} catch (error) {
		console.warn('Could not remember the alerts setting', error);
	}
}

export type NotificationAnswer = NotificationPermission | 'unsupported';

export function notificationPermission(): NotificationAnswer {
	return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Call from a click: asks the browser once (it remembers the answer itself). */
export async function askNotificationPermission(): Promise<NotificationAnswer> {
	if (typeof Notification === 'undefined') return 'unsupported';
	if (Notification.permission !== 'default') return Notification.permission;
	try {
		return await Notification.requestPermission();
	} catch {
		return Notification.permission;
	}
}

export type AlertKind = 'match' | 'message';

/** Whether to alert now: wanted, and the tab hidden (pure, for the unit tests). */
export function shouldAlert(wanted: boolean, visibility: DocumentVisibilityState): boolean {
	return wanted && visibility === 'hidden';
}

let audio: AudioContext | null = null;

/** Two short soft tones, made on the spot (no sound file to download). */
function chime(): void {
	if (typeof AudioContext === 'undefined') return;
	try {
		audio ??= new AudioContext();
		const start = audio.currentTime;
		for (const [offset, frequency] of [
			[0, 660],
			[0.16, 880]
		] as const) {
			const tone = audio.createOscillator();
			const gain = audio.createGain();
			tone.frequency.value = frequency;
			gain.gain.setValueAtTime(0.0001, start + offset);
			gain.gain.exponentialRampToValueAtTime(0.15, start + offset + 0.02);
			gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.14);
			tone.connect(gain).connect(audio.destination);
			tone.start(start + offset);
			tone.stop(start + offset + 0.15);
		}
		void audio.resume().catch(() => {});
	} catch (error) {
		console.warn('Could not play the alert sound', error);
	}
}

/**
 * A chime and, where permitted, a notification that brings the tab back when clicked. Does
 * nothing unless the user wants alerts and the tab is hidden.
 */
export function alertUser(title: string, body: string, wanted: boolean = alertsWanted()): void {
	if (!shouldAlert(wanted, document.visibilityState)) return;
	chime();
	if (notificationPermission() !== 'granted') return;
	try {
		// One tag: a burst of messages replaces the notification instead of stacking them.
		const note = new Notification(title, { body, tag: 'tangent-chat' });
		note.onclick = () => {
			window.focus();
			note.close();
		};
	} catch (error) {
		// Android Chrome allows notifications only from a service worker; the sound and the title badge remain.
		console.warn('Could not show a notification', error);
	}
}
