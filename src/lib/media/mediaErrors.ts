// Why the camera or microphone did not start, in plain words that say what to do next.
// getUserMedia rejects with DOMExceptions whose names (not messages) tell the cause; older
// Chrome used its own names, which map the same way. Pure, so unit tests cover every case.

export type MediaProblemCode =
	| 'permission-denied'
	| 'no-device'
	| 'device-busy'
	| 'insecure-context'
	| 'unsupported'
	| 'unknown';

export interface MediaProblem {
	code: MediaProblemCode;
	message: string;
}

export type MediaWanted = 'video' | 'audio';

/** Phones have no address-bar icon to click, and other ways out (another app, a site setting). */
export type DeviceKind = 'desktop' | 'phone';

/** A phone or tablet: a coarse pointer and no hover, as a touch screen reports. */
export function detectDeviceKind(): DeviceKind {
	try {
		return globalThis.matchMedia?.('(pointer: coarse) and (hover: none)').matches ? 'phone' : 'desktop';
	} catch {
		return 'desktop';
	}
}

const CODE_BY_NAME = new Map<string, MediaProblemCode>([
	['NotAllowedError', 'permission-denied'],
	['SecurityError', 'permission-denied'],
	['PermissionDeniedError', 'permission-denied'], // Chrome before 53
	['NotFoundError', 'no-device'],
	['DevicesNotFoundError', 'no-device'], // Chrome before 53
	['OverconstrainedError', 'no-device'], // the chosen deviceId is gone
	['ConstraintNotSatisfiedError', 'no-device'],
	['NotReadableError', 'device-busy'], // another app holds it (Windows), or a hardware error
	['TrackStartError', 'device-busy'],
	['AbortError', 'device-busy'] // Firefox: the device could not start
]);

/** What the visitor is asked for, as the sentences below name it. */
function devices(wants: MediaWanted): { things: string; icon: string } {
	return wants === 'video'
		? { things: 'camera and microphone', icon: 'camera' }
		: { things: 'microphone', icon: 'microphone' };
}

const OR_TEXT = 'or continue with text chat.';

export function mediaProblemMessage(code: MediaProblemCode, wants: MediaWanted, device: DeviceKind = 'desktop'): string {
	const { things, icon } = devices(wants);
	const phone = device === 'phone';
	switch (code) {
		case 'permission-denied':
			if (phone) {
				return (
					`Tangent can't use your ${things} because permission was denied. ` +
					`Tap the icon beside the web address (or open the browser's site settings), allow the ${things} ` +
					`for this site, then press Try again — ${OR_TEXT}`
				);
			}
			return (
				`Tangent can't use your ${things} because permission was denied. ` +
				`Click the ${icon} icon in the address bar to allow it, then press Try again — ${OR_TEXT}`
			);
		case 'no-device':
			return (
				`Tangent couldn't find a ${wants === 'video' ? 'camera or microphone' : 'microphone'} on this device. ` +
				(phone
					? `Check that no setting blocks them for this browser, then press Try again — ${OR_TEXT}`
					: `Plug one in or switch it on, then press Try again — ${OR_TEXT}`)
			);
		case 'device-busy':
			return (
				`Your ${things} ${wants === 'video' ? 'are' : 'is'} being used by another app or browser tab. ` +
				(phone
					? `Close the other call app (or end the call in it), then press Try again — ${OR_TEXT}`
					: `Close the other video call or tab, then press Try again — ${OR_TEXT}`)
			);
		case 'insecure-context':
			return (
				`Browsers only share your ${things} with secure pages. ` +
				`Open Tangent through its https:// address — ${OR_TEXT}`
			);
		case 'unsupported':
			return (
				`This browser can't share your ${things}. ` +
				`Try a recent Chrome, Firefox, Safari or Edge — ${OR_TEXT}`
			);
		case 'unknown':
			return `Tangent couldn't start your ${things}. Press Try again — ${OR_TEXT}`;
	}
}

function errorName(error: unknown): string {
	if (typeof error !== 'object' || error === null || !('name' in error)) return '';
	return typeof error.name === 'string' ? error.name : '';
}

/**
 * Maps a getUserMedia rejection to a problem code and a sentence for the visitor.
 * A TypeError means `navigator.mediaDevices` is missing: on an http:// page that is the
 * insecure context, otherwise the browser lacks the API. `secureContext` defaults to the
 * page's own `isSecureContext` (true where there is none, as in unit tests).
 */
export function describeMediaError(
	error: unknown,
	wants: MediaWanted,
	secureContext: boolean = globalThis.isSecureContext !== false,
	device: DeviceKind = detectDeviceKind()
): MediaProblem {
	const name = errorName(error);
	let code: MediaProblemCode = CODE_BY_NAME.get(name) ?? 'unknown';
	if (name === 'TypeError') code = secureContext ? 'unsupported' : 'insecure-context';
	return { code, message: mediaProblemMessage(code, wants, device) };
}

/** Whether pressing Try again can help: not on an http:// page or a browser without the API. */
export function canRetry(code: MediaProblemCode): boolean {
	return code !== 'insecure-context' && code !== 'unsupported';
}
