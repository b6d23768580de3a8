// Attachments that connect MediaStreams to elements: playback in <video>/<audio>, and a
// loudness meter that writes a CSS variable (no reactive state churning at 60 frames a second).
import type { Attachment } from 'svelte/attachments';

interface PlayOptions {
	/** Read so the attachment re-runs when tracks inside the same stream were replaced. */
	version?: number;
	/** Told whether the browser refused to autoplay with sound (the page offers a button). */
	onblocked?: (blocked: boolean) => void;
}

/** Plays `stream` in the element; a newer stream (or none) replaces it. */
export function playStream(stream: MediaStream | null, { onblocked }: PlayOptions = {}): Attachment<HTMLMediaElement> {
	return (element) => {
		element.srcObject = stream;
		if (!stream) {
			onblocked?.(false);
			return;
		}
		element.play().then(
			() => onblocked?.(false),
			(error: unknown) => {
				// AbortError: a newer srcObject took over, nothing to report.
				if (error instanceof DOMException && error.name === 'NotAllowedError') onblocked?.(true);
			}
		);
		return () => {
			if (element.srcObject === stream) element.srcObject = null;
		};
	};
}

/**
 * Sets `--level` (0…1) on the element from the loudness of the stream's audio, for an
 * indicator that moves with the voice. Waits for an audio track if there is none yet.
 */
export function audioLevel(stream: MediaStream | null, _version = 0): Attachment<HTMLElement> {
	return (element) => {
		element.style.setProperty('--level', '0');
		if (!stream || typeof AudioContext === 'undefined') return;
		let context: AudioContext | null = null;
		let frame = 0;

		const begin = () => {
			if (context || stream.getAudioTracks().length === 0) return;
			try {
				context = new AudioContext();
				const analyser = context.createAnalyser();
				analyser.fftSize = 512;
				context.createMediaStreamSource(stream).connect(analyser);
				const samples = new Uint8Array(analyser.fftSize);
				let smooth = 0;
				const tick = () => {
					analyser.getByteTimeDomainData(samples);
					let sum = 0;
					for (const s of samples) sum += ((s - 128) / 128) ** 2;
					const rms = Math.sqrt(sum / samples.length);
					// Speech sits around 0.02–0.2 RMS; stretch that to the 0…1 range and ease it.
					smooth = smooth * 0.7 + Math.min(1, rms * 6) * 0.3;
					element.style.setProperty('--level', smooth.toFixed(3));
					frame = requestAnimationFrame(tick);
				};
				tick();
				// Without a user gesture the context may start suspended; the meter is cosmetic.
				if (context.state === 'suspended') void context.resume().catch(() => {});
			} catch (error) {
				console.warn('No audio level meter', error);
			}
		};

		begin();
		stream.addEventListener('addtrack', begin);
		return () => {
			stream.removeEventListener('addtrack', begin);
			cancelAnimationFrame(frame);
			void context?.close().catch(() => {});
			element.style.setProperty('--level', '0');
		};
	};
}
