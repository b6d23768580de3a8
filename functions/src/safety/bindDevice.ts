// The `bindDevice` callable: the app calls it after signing in, before its first lobby join
// (the rules refuse joins from uids never bound). See identity.ts for what binding does.
import { defineInt, defineSecret } from 'firebase-functions/params';
import { logger } from 'firebase-functions/v2';
import { HttpsError, onCall } from 'firebase-functions/v2/https';
import { appCheckOptions } from '../appCheck';
import { RUNTIME } from '../runtime';
import { db } from '../firestore';
import { InvalidRequestError, parseBindRequest, type BindRequest, type BindResponse } from '../shared/safety';
import { bindDevice as bind } from './identity';
import { clientAddress, deviceKey, networkKey, networkPrefix } from './network';
import { RateLimited, retryIn } from './rateLimits';

/** Keys device tokens and network prefixes; Secret Manager (functions/.secret.local on the emulator). */
export const identitySalt = defineSecret('IDENTITY_SALT');
const bindsPerNetworkPerHour = defineInt('BINDS_PER_NETWORK_PER_HOUR', {
	default: 60,
	description: 'New anonymous accounts bound per hour from one IPv4 /24 or IPv6 /48 (shared by households, campuses, NATs)'
});

export const bindDevice = onCall({ ...RUNTIME.bindDevice, ...appCheckOptions(), secrets: [identitySalt] }, async (request): Promise<BindResponse> => {
	const uid = request.auth?.uid;
	if (!uid) throw new HttpsError('unauthenticated', 'Sign in first.');
	const body = validRequest(request.data);
	const nowMs = Date.now();
	const salt = identitySalt.value();
	const address = clientAddress(request.rawRequest.get('x-forwarded-for'), request.rawRequest.socket?.remoteAddress);
	const prefix = address ? networkPrefix(address) : null;
	try {
		const response = await bind(db(), {
			uid,
			deviceKey: deviceKey(salt, body.deviceToken),
			networkKey: prefix ? networkKey(salt, prefix, nowMs) : null,
			nowMs,
			bindsPerNetwork: { max: bindsPerNetworkPerHour.value(), windowMs: 3_600_000 }
		});
		if (response.bannedUntilMs !== null) logger.info('bindDevice: linked ban', { uid });
		return response;
	} catch (error) {
		if (error instanceof RateLimited) {
			throw new HttpsError('resource-exhausted', `Too many new sessions from this device or network. Try again ${retryIn(error.retryAtMs, nowMs)}.`);
		}
		throw error;
	}
});

function validRequest(data: unknown): BindRequest {
	try {
		return parseBindRequest(data);
	} catch (error) {
		if (error instanceof InvalidRequestError) throw new HttpsError('invalid-argument', error.message);
		throw error;
	}
}
