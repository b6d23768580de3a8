// Baseline signaling, bundled by the bench (esbuild) into a harness page: the widely
// copied Firebase WebRTC codelab (webrtc/FirebaseRTC `public/app.js`, fireship-io's
// webrtc-firebase-demo): the offer and the answer on `rooms/{id}`, one document per ICE
// candidate in `callerCandidates` / `calleeCandidates`, remote candidates added as their
// documents arrive, no cleanup. Runs in the browser only; measured next to Tangent.
//
// Kept as the codelab does it, with three changes so the two are compared like for like:
// - both pages are told the room at the same moment (Tangent's "matched"); the callee
//   watches the room until the offer is there instead of one `get()` after a human
//   typed the id;
// - the same negotiated "chat" data channel as Tangent (the codelab sends only media),
//   whose opening is "connected";
// - the same ICE servers the app gets from the `iceServers` callable (the codelab
//   hard-codes Google's STUN servers, unreachable offline);
// - before the clock starts, one throwaway write and read, so the page's Firestore
//   streams are open, as Tangent's are by the time it is matched (it has just written
//   and watched its lobby entry).
import { initializeApp } from 'firebase/app';
import { connectAuthEmulator, getAuth, signInAnonymously } from 'firebase/auth';
import { addDoc, collection, connectFirestoreEmulator, doc, getDoc, getFirestore, onSnapshot, setDoc, updateDoc } from 'firebase/firestore';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';

const now = () => performance.timeOrigin + performance.now();
const app = initializeApp({ projectId: 'demo-tangent', apiKey: 'demo-api-key', authDomain: 'demo-tangent.firebaseapp.com' });
const auth = getAuth(app);
connectAuthEmulator(auth, 'http://127.0.0.1:9099', { disableWarnings: true });
const db = getFirestore(app);
connectFirestoreEmulator(db, '127.0.0.1', 8080);
const functions = getFunctions(app, 'us-central1');
connectFunctionsEmulator(functions, '127.0.0.1', 5001);

let configuration = null;
const ready = (async () => {
	await signInAnonymously(auth);
	const { data } = await httpsCallable(functions, 'iceServers')();
	configuration = { iceServers: data.iceServers };
	const warm = doc(db, 'rooms', `warm-${auth.currentUser.uid}`);
	await setDoc(warm, { at: Date.now() });
	await getDoc(warm);
})();

function newCall(role) {
	const call = { role, tStart: now(), tOpen: null, candidatesOut: 0, candidatesIn: 0, candidatesLost: 0, steps: [] };
	const pc = new RTCPeerConnection(configuration);
	const channel = pc.createDataChannel('chat', { negotiated: true, id: 0, ordered: true });
	const opened = new Promise((resolve) => {
		channel.onopen = () => {
			call.tOpen = now();
			resolve();
		};
	});
	window.__benchCall = call;
	window.__benchPc = pc;
	return { call, pc, opened };
}

/** Notes how far a setup got, so a failed one says where it stopped. */
const step = (call, what) => call.steps.push(`${what} +${Math.round(now() - call.tStart)} ms`);

/**
 * The codelab adds remote candidates as they arrive, even before the remote description,
 * and has no timeout anywhere: a lost write or candidate leaves it waiting forever. Give
 * up as Tangent does (its CONNECT_TIMEOUT_MS), so the bench records a failed setup
 * instead of hanging, and say how far it got.
 */
const OPEN_DEADLINE_MS = 20_000;
/** Runs one side's setup on a new peer connection (once the page is ready), under the deadline. */
async function withDeadline(role, setup) {
	await ready;
	const { call, pc, opened } = newCall(role);
	let timer;
	const deadline = new Promise((_, reject) => {
		timer = setTimeout(() => {
			const state = `signaling ${pc.signalingState}, ICE ${pc.iceConnectionState}, gathering ${pc.iceGatheringState}`;
			const candidates = `${call.candidatesOut} candidates sent, ${call.candidatesIn} received, ${call.candidatesLost} refused`;
			reject(new Error(`${role}: no data channel after ${OPEN_DEADLINE_MS} ms (${state}; ${candidates}; steps: ${call.steps.join(', ') || 'none'})`));
		}, OPEN_DEADLINE_MS);
	});
	try {
		await Promise.race([setup(call, pc, opened), deadline]);
		return call;
	} finally {
		clearTimeout(timer);
	}
}

/** Local candidates, one document each as they are gathered (codelab: not awaited). */
function sendLocalCandidates(pc, call, candidates) {
	pc.addEventListener('icecandidate', (event) => {
		if (!event.candidate) return;
		call.candidatesOut++;
		addDoc(candidates, event.candidate.toJSON());
	});
}

/** Remote candidate documents, added as they arrive (codelab: no buffering, no catch). */
function addRemoteCandidates(pc, call, candidates) {
	return onSnapshot(candidates, (snapshot) => {
		snapshot.docChanges().forEach(async (change) => {
			if (change.type !== 'added') return;
			call.candidatesIn++;
			try {
				await pc.addIceCandidate(new RTCIceCandidate(change.doc.data()));
			} catch {
				call.candidatesLost++; // the codelab would throw an unhandled rejection here
			}
		});
	});
}

const createRoom = (roomId) =>
	withDeadline('caller', async (call, pc, opened) => {
		const roomRef = doc(db, 'rooms', roomId);
		sendLocalCandidates(pc, call, collection(roomRef, 'callerCandidates'));
		const offer = await pc.createOffer();
		await pc.setLocalDescription(offer);
		step(call, 'offer made');
		await setDoc(roomRef, { offer: { type: offer.type, sdp: offer.sdp } });
		step(call, 'offer written');
		onSnapshot(roomRef, async (snapshot) => {
			const data = snapshot.data();
			if (!pc.currentRemoteDescription && data && data.answer) {
				step(call, 'answer seen');
				await pc.setRemoteDescription(new RTCSessionDescription(data.answer));
			}
		});
		addRemoteCandidates(pc, call, collection(roomRef, 'calleeCandidates'));
		await opened;
	});

const joinRoom = (roomId) =>
	withDeadline('callee', async (call, pc, opened) => {
		const roomRef = doc(db, 'rooms', roomId);
		const roomSnapshot = await new Promise((resolve) => {
			const stop = onSnapshot(
				roomRef,
				(snap) => {
					step(call, `room seen (${snap.exists() ? 'exists' : 'missing'}${snap.metadata.fromCache ? ', from cache' : ''})`);
					if (snap.exists() && snap.data().offer) {
						stop();
						resolve(snap);
					}
				},
				(error) => step(call, `room listen failed: ${error.code}`) // the codelab has no error callback; recorded only
			);
		});
		step(call, 'offer seen');
		sendLocalCandidates(pc, call, collection(roomRef, 'calleeCandidates'));
		const offer = roomSnapshot.data().offer;
		await pc.setRemoteDescription(new RTCSessionDescription(offer));
		const answer = await pc.createAnswer();
		await pc.setLocalDescription(answer);
		step(call, 'answer made');
		await updateDoc(roomRef, { answer: { type: answer.type, sdp: answer.sdp } });
		step(call, 'answer written');
		addRemoteCandidates(pc, call, collection(roomRef, 'callerCandidates'));
		await opened;
	});

window.codelab = { ready, createRoom, joinRoom };
