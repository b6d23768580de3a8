// The visitor's own camera and microphone for one chat page: opened once before matching,
// kept across Next, closed when the page goes. Device switches swap a track inside the same
// MediaStream (the session holds that stream and adds its tracks to every new call), and
// hand the new track back so the page can pass it to `session.replaceTrack`.
import { describeMediaError, type MediaProblem, type MediaWanted } from './mediaErrors';

const VIDEO: MediaTrackConstraints = {
	width: { ideal: 1280 },
	height: { ideal: 720 },
	facingMode: 'user'
};

function stopAll(stream: MediaStream | null): void {
	for (const track of stream?.getTracks() ?? []) track.stop();
}

/** The device behind a track, if the browser says. */
function deviceIdOf(track: MediaStreamTrack | undefined): string | null {
	return track?.getSettings().deviceId ?? null;
}

/** One track of `kind` from exactly that device. */
function acquire(kind: 'audio' | 'video', deviceId: string): Promise<MediaStream> {
	const exact = { deviceId: { exact: deviceId } };
	return navigator.mediaDevices.getUserMedia(
		kind === 'video' ? { video: { width: VIDEO.width, height: VIDEO.height, ...exact } } : { audio: exact }
	);
}

/** Before permission the browser lists devices without ids or labels: those are no choice. */
function usable(devices: MediaDeviceInfo[], kind: MediaDeviceKind): MediaDeviceInfo[] {
	return devices.filter((d) => d.kind === kind && d.deviceId !== '');
}

/** Whether the browser lists a microphone (before permission, without its name: the kind is enough). */
async function hasMicrophone(): Promise<boolean> {
	try {
		const all = (await navigator.mediaDevices?.enumerateDevices()) ?? [];
		return all.some((d) => d.kind === 'audioinput');
	} catch {
		return false;
	}
}

export class LocalMedia {
	readonly mode: MediaWanted;

	/** Camera and/or microphone, once `open()` succeeded; the same object until `close()`. */
	stream = $state.raw<MediaStream | null>(null);
	/** Video mode found no camera but the browser lists a microphone: audio-only would work. */
	microphoneOnly = $state(false);
	/** Why `open()` failed, for the page to explain; null while fine. */
	problem = $state.raw<MediaProblem | null>(null);
	/** Why the last device switch failed (the previous device keeps working). */
	switchProblem = $state.raw<MediaProblem | null>(null);
	/** True while `open()` waits for the browser (and its permission prompt). */
	opening = $state(false);
	micOn = $state(true);
	cameraOn = $state(true);
	cameras = $state.raw<MediaDeviceInfo[]>([]);
	mics = $state.raw<MediaDeviceInfo[]>([]);
	cameraId = $state<string | null>(null);
	micId = $state<string | null>(null);
	/** Bumped whenever a track in `stream` is replaced, for elements that must re-attach. */
	trackVersion = $state(0);

	/** Bumped by `close()`, so an `open()` still waiting drops what it gets. */
	#generation = 0;
	#listening = false;
	#onDeviceChange = () => void this.#refreshDevices();

	constructor(mode: MediaWanted) {
		this.mode = mode;
	}

	/** Asks for the devices (the browser may prompt). True when the stream is ready. */
	async open(): Promise<boolean> {
		const generation = ++this.#generation;
		stopAll(this.stream);
		this.stream = null;
		this.problem = null;
		this.opening = true;
		try {
			const devices = navigator.mediaDevices;
			// Missing on http:// pages and in old browsers; describeMediaError tells which.
			if (typeof devices?.getUserMedia !== 'function') throw new TypeError('navigator.mediaDevices is unavailable');
			const stream = await devices.getUserMedia({
				audio: this.micId ? { deviceId: { ideal: this.micId } } : true,
				video: this.mode === 'video' ? { ...VIDEO, ...(this.cameraId && { deviceId: { ideal: this.cameraId } }) } : false
			});
			if (generation !== this.#generation) {
				stopAll(stream);
				return false;
			}
			for (const track of stream.getAudioTracks()) track.enabled = this.micOn;
			for (const track of stream.getVideoTracks()) track.enabled = this.cameraOn;
			this.stream = stream;
			this.micId = deviceIdOf(stream.getAudioTracks()[0]);
			this.cameraId = deviceIdOf(stream.getVideoTracks()[0]);
			if (!this.#listening) {
				devices.addEventListener('devicechange', this.#onDeviceChange);
				this.#listening = true;
			}
			await this.#refreshDevices();
			return generation === this.#generation;
		} catch (error) {
			if (generation !== this.#generation) return false;
			console.warn('Could not open the camera or microphone', error);
			const problem = describeMediaError(error, this.mode);
			// No camera, but maybe a microphone: then the page offers a voice chat instead.
			this.microphoneOnly = problem.code === 'no-device' && this.mode === 'video' && (await hasMicrophone());
			if (generation !== this.#generation) return false;
			this.problem = problem;
			return false;
		} finally {
			if (generation === this.#generation) this.opening = false;
		}
	}

	setMicOn(on: boolean): void {
		this.micOn = on;
		for (const track of this.stream?.getAudioTracks() ?? []) track.enabled = on;
	}

	setCameraOn(on: boolean): void {
		this.cameraOn = on;
		for (const track of this.stream?.getVideoTracks() ?? []) track.enabled = on;
	}

	/**
	 * Switches to another camera. Returns the track now in the stream when it changed (the
	 * new camera's, or the old camera's restarted after a failed switch), else null; the
	 * caller hands it to `session.replaceTrack`. `switchProblem` says why a switch failed.
	 */
	useCamera(deviceId: string): Promise<MediaStreamTrack | null> {
		return this.#switch('video', deviceId);
	}

	/** Switches to another microphone; returns like `useCamera`. */
	useMic(deviceId: string): Promise<MediaStreamTrack | null> {
		return this.#switch('audio', deviceId);
	}

	/** Stops every track and stops listening; safe to call more than once. */
	close(): void {
		this.#generation++;
		stopAll(this.stream);
		this.stream = null;
		this.opening = false;
		if (this.#listening) {
			navigator.mediaDevices?.removeEventListener('devicechange', this.#onDeviceChange);
			this.#listening = false;
		}
	}

	async #switch(kind: 'audio' | 'video', deviceId: string): Promise<MediaStreamTrack | null> {
		const stream = this.stream;
		if (!stream) return null;
		const generation = this.#generation;
		const old = kind === 'video' ? stream.getVideoTracks()[0] : stream.getAudioTracks()[0];
		const oldId = deviceIdOf(old);
		if (old && oldId === deviceId) return null;
		this.switchProblem = null;
		let fresh: MediaStream | null = null;
		try {
			fresh = await acquire(kind, deviceId);
		} catch (first) {
			this.switchProblem = describeMediaError(first, this.mode);
			// Phones often cannot run two cameras at once: free the old one and ask again,
			// and if the new one still fails, take the old one back.
			if (old && this.switchProblem.code === 'device-busy') {
				old.stop();
				try {
					fresh = await acquire(kind, deviceId);
					this.switchProblem = null;
				} catch {
					fresh = oldId ? await acquire(kind, oldId).catch(() => null) : null;
				}
			}
		}
		const track = kind === 'video' ? fresh?.getVideoTracks()[0] : fresh?.getAudioTracks()[0];
		if (!track || generation !== this.#generation || this.stream !== stream) {
			stopAll(fresh);
			return null;
		}
		track.enabled = kind === 'video' ? this.cameraOn : this.micOn;
		if (old) {
			old.stop();
			stream.removeTrack(old);
		}
		stream.addTrack(track);
		if (kind === 'video') this.cameraId = deviceIdOf(track) ?? deviceId;
		else this.micId = deviceIdOf(track) ?? deviceId;
		this.trackVersion++;
		return track;
	}

	async #refreshDevices(): Promise<void> {
		const generation = this.#generation;
		try {
			const all = await navigator.mediaDevices.enumerateDevices();
			if (generation !== this.#generation) return;
			this.cameras = this.mode === 'video' ? usable(all, 'videoinput') : [];
			this.mics = usable(all, 'audioinput');
		} catch (error) {
			console.warn('Could not list the cameras and microphones', error);
		}
	}
}
