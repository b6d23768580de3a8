// Who may have TURN credentials: a person looking for a partner or in a call. The relay
// costs money per byte and coturn knows nothing of calls (see README, Safety), so the
// credentials are handed out only at the moments the app needs them.
import type { CallDoc, LobbyEntry } from '../shared/model';

/**
 * Whether `uid`, whose lobby entry is `entry` (null: none) and whose entry's call is
 * `call` (null: none or gone), is looking for a partner or in a live call.
 */
export function mayUseRelay(uid: string, entry: LobbyEntry | null, call: CallDoc | null): boolean {
	if (entry === null) return false;
	if (entry.status === 'waiting') return true;
	if (entry.status !== 'matched' || call === null) return false;
	return call.status === 'active' && call.members.includes(uid);
}
