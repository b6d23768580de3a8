// GET /api/status (a Hosting rewrite) for operators. Protected twice over: either the
// STATUS_TOKEN secret as a bearer token (for monitoring), or the Firebase ID token of a
// user with the custom claim `admin: true` (set with the Admin SDK, never by the app).
import { getAuth } from 'firebase-admin/auth';
import { defineSecret } from 'firebase-functions/params';
import { logger } from 'firebase-functions/v2';
import { onRequest } from 'firebase-functions/v2/https';
import { adminApp, db } from '../firestore';
import { RUNTIME } from '../runtime';
import { bearerToken, isSameSecret, operatorStatus as countStatus } from './status';

const statusToken = defineSecret('STATUS_TOKEN');

export const operatorStatus = onRequest({ ...RUNTIME.operatorStatus, secrets: [statusToken], cors: false }, async (req, res) => {
	res.set('Cache-Control', 'no-store');
	if (req.method !== 'GET') {
		res.set('Allow', 'GET').status(405).json({ error: 'Use GET.' });
		return;
	}
	const token = bearerToken(req.get('Authorization'));
	if (!token) {
		res.set('WWW-Authenticate', 'Bearer').status(401).json({ error: 'Send "Authorization: Bearer <status token or admin ID token>".' });
		return;
	}
	if (!isSameSecret(token, statusToken.value()) && !(await isAdmin(token))) {
		res.status(403).json({ error: 'That token does not grant access to the status.' });
		return;
	}
	res.json(await countStatus(db(), Date.now()));
});

async function isAdmin(idToken: string): Promise<boolean> {
	try {
		const decoded = await getAuth(adminApp()).verifyIdToken(idToken);
		return decoded.admin === true;
	} catch (error) {
		logger.info('operatorStatus: token refused', { error: String(error) });
		return false;
	}
}
