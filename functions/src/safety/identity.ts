// Binding a fresh anonymous uid to the device (and, briefly, the network) it signed up
// from, so that a ban and the blocks made by reports follow the person to their next uid.
// Runs in one transaction: rate limits per uid, device and network; a device ban (or, for
// a device never seen before, a network ban) is copied to the new uid; the device's blocks
// are copied both ways (the new uid avoids its reporters, and they avoid it); and the
// binding is recorded, which the rules require before a lobby join.
import { FieldValue, Timestamp, type Firestore, type Transaction } from 'firebase-admin/firestore';
import { safetyRecordOf } from '../firestore';
import {
	EMPTY_DEVICE_RECORD,
	keepNewest,
	networkRecordExpiresAtMs,
	parseDeviceRecord,
	SAFETY_COLLECTIONS,
	SAFETY_LIMITS,
	type BanWrite,
	type BindResponse,
	type DeviceRecord,
	type SafetyRecord
} from '../shared/safety';
import { checkRates, type RateLimit, type RateSubject } from './rateLimits';

export interface BindInput {
	uid: string;
	/** HMAC of the browser's device token (network.ts deviceKey). */
	deviceKey: string;
	/** Today's HMAC of the IP prefix, or null (no public address: the emulator). */
	networkKey: string | null;
	nowMs: number;
	bindsPerNetwork: RateLimit;
}

/** identities/{uid}: what the uid was bound to. Functions only; the rules check it exists. */
export interface IdentityWrite {
	deviceKey: string;
	networkKey: string | null;
	/** After this the network key is forgotten (the sweep removes it). */
	networkExpiresAtMs: number | null;
	boundAt: FieldValue;
}

export interface NetworkWrite {
	bannedUntilMs: number;
	expiresAtMs: number;
}

export function bindDevice(firestore: Firestore, input: BindInput): Promise<BindResponse> {
	return firestore.runTransaction((tx) => bindInTransaction(tx, firestore, input));
}

async function bindInTransaction(tx: Transaction, firestore: Firestore, input: BindInput): Promise<BindResponse> {
	const { uid, deviceKey, networkKey, nowMs } = input;
	const identityRef = firestore.collection(SAFETY_COLLECTIONS.identities).doc(uid);
	const deviceRef = firestore.collection(SAFETY_COLLECTIONS.devices).doc(deviceKey);
	const networkRef = networkKey ? firestore.collection(SAFETY_COLLECTIONS.networks).doc(networkKey) : null;
	const [identity, deviceSnap, networkSnap, own] = await Promise.all([
		tx.get(identityRef),
		tx.get(deviceRef),
		networkRef ? tx.get(networkRef) : Promise.resolve(null),
		safetyRecordOf(firestore, uid, tx)
	]);
	const device = deviceSnap.exists ? parseDeviceRecord(deviceRef.path, deviceSnap.data() ?? {}) : EMPTY_DEVICE_RECORD;
	const alreadyBound = identity.exists && identity.get('deviceKey') === deviceKey;

	// A reload binds again: that costs nothing. A new uid, or a uid moving to another
	// device, counts against every limit it touches.
	const subjects: RateSubject[] = alreadyBound
		? []
		: [
				{ action: 'bind-uid', key: uid, limit: SAFETY_LIMITS.bindsPerUid },
				{ action: 'bind-device', key: deviceKey, limit: SAFETY_LIMITS.bindsPerDevice },
				...(networkKey ? [{ action: 'bind-network', key: networkKey, limit: input.bindsPerNetwork }] : [])
			];
	const recordRates = await checkRates(tx, firestore, subjects, nowMs);

	// The people the device's users reported, and who reported them: each must avoid the new uid.
	const linked = [...new Set([...device.blocked, ...device.blockedBy])].filter((other) => other !== uid);
	const linkedRecords = await Promise.all(linked.map(async (other) => [other, await safetyRecordOf(firestore, other, tx)] as const));

	const deviceBan = device.bannedUntilMs !== null && device.bannedUntilMs > nowMs ? device.bannedUntilMs : null;
	// A network ban catches only devices it has never seen: people sharing the address
	// (a household, a campus, a carrier's NAT) who already use Tangent are not punished.
	const networkBannedUntil: unknown = networkSnap?.get('bannedUntilMs');
	const networkBan =
		device.uids.length === 0 && typeof networkBannedUntil === 'number' && networkBannedUntil > nowMs ? networkBannedUntil : null;
	const bannedUntilMs = Math.max(deviceBan ?? 0, networkBan ?? 0, own.bannedUntilMs ?? 0) || null;
	const banApplies = bannedUntilMs !== null && bannedUntilMs > nowMs && (deviceBan !== null || networkBan !== null);

	// Writes, after every read.
	recordRates();
	const nextDevice: DeviceRecord = {
		...device,
		uids: keepNewest(device.uids.includes(uid) ? device.uids : [...device.uids, uid], SAFETY_LIMITS.deviceLinksMax),
		bannedUntilMs: Math.max(device.bannedUntilMs ?? 0, networkBan ?? 0) || null
	};
	tx.set(deviceRef, nextDevice);
	const identityWrite: IdentityWrite = {
		deviceKey,
		networkKey,
		networkExpiresAtMs: networkKey ? networkRecordExpiresAtMs(nowMs) : null,
		boundAt: FieldValue.serverTimestamp()
	};
	tx.set(identityRef, identityWrite);

	const safety = firestore.collection(SAFETY_COLLECTIONS.safety);
	if (device.blocked.length > 0 || device.blockedBy.length > 0 || banApplies) {
		const mine: SafetyRecord = {
			...own,
			blocked: keepNewest(union(own.blocked, device.blocked)),
			blockedBy: keepNewest(union(own.blockedBy, device.blockedBy)),
			bannedUntilMs: banApplies ? bannedUntilMs : own.bannedUntilMs
		};
		tx.set(safety.doc(uid), mine);
	}
	for (const [other, record] of linkedRecords) {
		const next: SafetyRecord = {
			...record,
			blocked: device.blockedBy.includes(other) ? keepNewest(union(record.blocked, [uid])) : record.blocked,
			blockedBy: device.blocked.includes(other) ? keepNewest(union(record.blockedBy, [uid])) : record.blockedBy
		};
		tx.set(safety.doc(other), next);
	}
	if (banApplies && bannedUntilMs !== null) {
		const ban: BanWrite<FieldValue | Timestamp> = {
			reason: 'linked',
			reporters: 0,
			createdAt: FieldValue.serverTimestamp(),
			until: Timestamp.fromMillis(bannedUntilMs)
		};
		tx.set(firestore.collection(SAFETY_COLLECTIONS.bans).doc(uid), ban);
	}
	return { bannedUntilMs: banApplies ? bannedUntilMs : null };
}

/**
 * When a report lands: the blocks follow both people's devices, and a ban follows the
 * reported person's device and (until the key expires) network. Reads first (`read`),
 * then `write` inside the same transaction.
 */
export async function readLinks(tx: Transaction, firestore: Firestore, reporter: string, reported: string) {
	const identities = firestore.collection(SAFETY_COLLECTIONS.identities);
	const [mine, theirs] = await tx.getAll(identities.doc(reporter), identities.doc(reported));
	const deviceOf = (snap: FirebaseFirestore.DocumentSnapshot): string | null => {
		const key: unknown = snap.get('deviceKey');
		return typeof key === 'string' ? key : null;
	};
	const devices = firestore.collection(SAFETY_COLLECTIONS.devices);
	const myDevice = mine ? deviceOf(mine) : null;
	const theirDevice = theirs ? deviceOf(theirs) : null;
	const [myRecord, theirRecord] = await Promise.all(
		[myDevice, theirDevice].map(async (key) => {
			if (!key) return null;
			const snap = await tx.get(devices.doc(key));
			return snap.exists ? parseDeviceRecord(snap.ref.path, snap.data() ?? {}) : EMPTY_DEVICE_RECORD;
		})
	);
	const theirNetwork: unknown = theirs?.get('networkKey');
	const theirNetworkExpires: unknown = theirs?.get('networkExpiresAtMs');

	return (nowMs: number, bannedUntilMs: number | null): void => {
		const max = SAFETY_LIMITS.deviceLinksMax;
		if (myDevice && myRecord && myDevice !== theirDevice) {
			tx.set(devices.doc(myDevice), { ...myRecord, blocked: keepNewest(union(myRecord.blocked, [reported]), max) });
		}
		if (theirDevice && theirRecord) {
			tx.set(devices.doc(theirDevice), {
				...theirRecord,
				blockedBy: keepNewest(union(theirRecord.blockedBy, [reporter]), max),
				bannedUntilMs: Math.max(theirRecord.bannedUntilMs ?? 0, bannedUntilMs ?? 0) || null
			});
		}
		if (bannedUntilMs !== null && typeof theirNetwork === 'string' && typeof theirNetworkExpires === 'number' && theirNetworkExpires > nowMs) {
			const network: NetworkWrite = { bannedUntilMs, expiresAtMs: theirNetworkExpires };
			tx.set(firestore.collection(SAFETY_COLLECTIONS.networks).doc(theirNetwork), network);
		}
	};
}

function union(list: readonly string[], more: readonly string[]): string[] {
	return [...new Set([...list, ...more])];
}
