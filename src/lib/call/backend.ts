// Everything a chat session needs from Firebase, in one module that the session imports
// lazily: the start page paints without the SDK, which loads on first paint or on Start.
export { firebaseClient, signedInUser } from '../firebase/client';
export { beaconTokenOf, heartbeatLobby, joinLobby, leaveLobby, leaveLobbyByBeacon, readLobbyEntry, watchLobbyEntry } from '../matching/lobby';
export { endCall, endCallIfActive, isCallActive } from './callDoc';
export { readPartnerSignals, SignalOutbox, watchPartnerSignals } from './signals';
export { fetchIceServers } from './iceServers';
export { readOwnBan } from '../safety/bans';
export { bindThisDevice } from '../safety/device';
export { reportErrorMessage, reportPartner } from '../safety/report';
export { markCallGone, requestUndo } from './undo';

export type Backend = typeof import('./backend');
