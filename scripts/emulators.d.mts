// Types for the tests that import scripts/emulators.mjs (plain JavaScript, run by node).
export const PROJECT_ID: string;
export const APP_URL: string;
export function firestoreEmulatorEnv(): Record<string, string>;
export function buildStorageRulesRuntime(): string;
export type StorageEmulatorSetup =
	| { env: Record<string, string>; unavailable?: undefined }
	| { env?: undefined; unavailable: string };
export function storageEmulatorSetup(): StorageEmulatorSetup;
export function storageRulesRuntimeJar(setup?: StorageEmulatorSetup): string | null;
export function emulatorList(storage?: StorageEmulatorSetup): string[];
export function buildAll(): void;
