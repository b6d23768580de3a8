// `npm run deploy:check`'s checks against fixture configs, and against this repository's
// own config where the answer is known (the demo project must never be deployable).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
	checkCrossServiceRules,
	checkFirebaserc,
	checkFunctions,
	checkFunctionsLock,
	checkHosting,
	checkIndexes,
	checkMinInstances,
	checkParams,
	checkProjectId,
	checkRulesCompile,
	checkSecrets,
	checkTurn,
	declaredSecrets,
	exitCode,
	resolveInt,
	type Finding,
	type Manifest
} from './checks.mjs';
import { corsConfig, corsOrigins, parseArgs } from './cors.mjs';
import { manualSteps } from './manualSteps.mjs';
import { compileRules, firestoreJar } from './rulesCompiler.mjs';

const require = createRequire(import.meta.url);

/**
 * firebase-tools' own modules, which the checks are handed as `npm run deploy:check` hands
 * them. Loaded once before the tests: cold, on a busy machine, loading one took over 5 s, a
 * test's whole budget, and how long a require takes is not what these tests check.
 */
const tools: Record<'parseStrict' | 'monthlyMinInstanceCost' | 'FirestoreApi' | 'configMatcher' | 'slasher', ReturnType<typeof require>> = {
	parseStrict: null,
	monthlyMinInstanceCost: null,
	FirestoreApi: null,
	configMatcher: null,
	slasher: null
};
beforeAll(() => {
	tools.parseStrict = require('firebase-tools/lib/functions/env').parseStrict;
	tools.monthlyMinInstanceCost = require('firebase-tools/lib/deploy/functions/pricing').monthlyMinInstanceCost;
	tools.FirestoreApi = require('firebase-tools/lib/firestore/api').FirestoreApi;
	tools.configMatcher = require('superstatic/lib/utils/patterns').configMatcher;
	tools.slasher = require('glob-slasher');
}, 120_000);
const root = new URL('../../', import.meta.url);
const repoJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));
const statuses = (findings: Finding[]) => findings.map((f) => f.status);
const failures = (findings: Finding[]) => findings.filter((f) => f.status === 'fail').map((f) => f.message);

const manifest = (): Manifest => ({
	endpoints: {
		matchmaker: {
			region: ['us-central1'],
			availableMemoryMb: 256,
			timeoutSeconds: 60,
			maxInstances: 100,
			minInstances: '{{ params.MATCHMAKER_MIN_INSTANCES }}',
			eventTrigger: {}
		},
		onlineCount: { region: ['us-central1'], availableMemoryMb: 256, timeoutSeconds: 30, maxInstances: 10, httpsTrigger: {} },
		iceServers: {
			region: ['us-central1'],
			availableMemoryMb: 256,
			timeoutSeconds: 30,
			maxInstances: 20,
			secretEnvironmentVariables: [{ key: 'TURN_SECRET' }],
			callableTrigger: {}
		}
	},
	params: [
		{ name: 'TURN_URLS', type: 'string', default: '' },
		{ name: 'TURN_TTL_SECONDS', type: 'int', default: 3600 },
		{ name: 'MATCHMAKER_MIN_INSTANCES', type: 'int', default: 0 },
		{ name: 'TURN_SECRET', type: 'secret' }
	]
});

const goodEnv = { TURN_URLS: 'turns:turn.tangent.chat:5349?transport=tcp', TURN_TTL_SECONDS: '3600', MATCHMAKER_MIN_INSTANCES: '0' };
const hostingRewrites = { hosting: { rewrites: [{ source: '/api/online', function: { functionId: 'onlineCount', region: 'us-central1' } }] } };

describe('project and .firebaserc', () => {
	it('refuses a missing, demo or malformed project id', () => {
		expect(statuses(checkProjectId(undefined))).toEqual(['fail']);
		expect(statuses(checkProjectId('demo-tangent'))).toEqual(['fail']);
		expect(statuses(checkProjectId('Tangent_Prod'))).toEqual(['fail']);
		expect(statuses(checkProjectId('tangent-prod'))).toEqual(['pass']);
	});

	it('fails a .firebaserc whose default is a demo project, and passes this repository’s', () => {
		expect(statuses(checkFirebaserc({ projects: { default: 'demo-tangent' } }, 'tangent-prod'))).toEqual(['fail']);
		expect(statuses(checkFirebaserc({ projects: { default: 'someone-else' } }, 'tangent-prod'))).toEqual(['warn']);
		const ours = repoJson('.firebaserc');
		expect(ours.projects?.default).toBeUndefined();
		expect(statuses(checkFirebaserc(ours, 'tangent-prod'))).toEqual(['pass']);
	});
});

describe('params and secrets', () => {
	it('passes when every param has a value for the project', () => {
		expect(statuses(checkParams(manifest(), goodEnv, ['functions/.env.p'], 'functions/.env.p'))).toEqual(['pass']);
	});

	it('fails a param without a value even when it has a default (a non-interactive deploy stops)', () => {
		const { TURN_TTL_SECONDS: _, ...env } = goodEnv;
		expect(failures(checkParams(manifest(), env, ['functions/.env.p'], 'functions/.env.p'))).toEqual([
			expect.stringMatching(/^TURN_TTL_SECONDS has no value in functions\/\.env\.p/)
		]);
		expect(failures(checkParams(manifest(), {}, [], 'functions/.env.p'))[0]).toMatch(/functions\/\.env\.p \(there is none yet\)/);
	});

	it('fails a non-number int, a demo value, and a secret written into an env file', () => {
		const found = failures(
			checkParams(manifest(), { ...goodEnv, TURN_TTL_SECONDS: 'an hour', TURN_URLS: 'turn:127.0.0.1:3478', TURN_SECRET: 'x' }, ['.env'], '.env')
		);
		expect(found).toHaveLength(3);
		expect(found.join('\n')).toMatch(/TURN_SECRET is a secret/);
		expect(found.join('\n')).toMatch(/TURN_TTL_SECONDS=an hour is not a whole number/);
		expect(found.join('\n')).toMatch(/TURN_URLS=turn:127\.0\.0\.1:3478 is a demo/);
	});

	it('the emulator’s demo params cannot be deployed', () => {
		const { parseStrict } = tools;
		const demo = parseStrict(readFileSync(new URL('functions/.env.demo-tangent', root), 'utf8'));
		expect(failures(checkParams(manifest(), demo, ['functions/.env.demo-tangent'], '')).join('\n')).toMatch(/TURN_URLS=.*127\.0\.0\.1.*demo/);
	});

	it('warns about values nobody declares', () => {
		expect(statuses(checkParams(manifest(), { ...goodEnv, OLD_KNOB: '1' }, ['.env'], '.env'))).toEqual(['warn', 'pass']);
	});

	it('lists the declared secrets as a manual check, and fails when local secrets would be uploaded', () => {
		expect(declaredSecrets(manifest())).toEqual(['TURN_SECRET']);
		const ok = checkSecrets(manifest(), { functions: [{ ignore: ['.secret.local', '.env.local'] }] });
		expect(statuses(ok)).toEqual(['skip']);
		expect(ok[0]?.message).toMatch(/TURN_SECRET/);
		expect(failures(checkSecrets(manifest(), { functions: [{ ignore: ['.env.local'] }] }))).toEqual([expect.stringMatching(/\.secret\.local/)]);
		expect(failures(checkSecrets(manifest(), repoJson('firebase.json')))).toEqual([]);
	});

	it('TURN: warns without a relay or without TLS, fails on a URL that is not TURN', () => {
		expect(statuses(checkTurn({ TURN_URLS: '' }))).toEqual(['warn']);
		expect(statuses(checkTurn({ TURN_URLS: 'turn:t.tangent.chat:3478' }))).toEqual(['warn']);
		expect(statuses(checkTurn({ TURN_URLS: 'stun:t.tangent.chat:3478' }))).toEqual(['fail']);
		expect(statuses(checkTurn(goodEnv))).toEqual(['pass']);
	});
});

describe('functions', () => {
	it('passes functions that state memory, timeout and a cap, all in the region of the rewrites', () => {
		expect(statuses(checkFunctions(manifest(), 'us-central1', hostingRewrites))).toEqual(['pass', 'pass']);
	});

	it('fails a function left to the defaults, or in another region', () => {
		const m = manifest();
		m.endpoints.onlineCount = { ...m.endpoints.onlineCount, timeoutSeconds: null, region: ['europe-west1'] };
		const found = failures(checkFunctions(m, 'us-central1', hostingRewrites));
		expect(found).toEqual([
			expect.stringMatching(/onlineCount leaves timeoutSeconds to the defaults/),
			expect.stringMatching(/onlineCount runs in europe-west1, not us-central1/)
		]);
	});

	it('fails a Hosting rewrite to another region or to a function that does not exist', () => {
		const elsewhere = { hosting: { rewrites: [{ source: '/api/online', function: { functionId: 'onlineCount', region: 'europe-west1' } }] } };
		expect(failures(checkFunctions(manifest(), 'us-central1', elsewhere))).toEqual([expect.stringMatching(/looks for onlineCount in europe-west1/)]);
		const missing = { hosting: { rewrites: [{ source: '/api/status', function: { functionId: 'operatorStatus' } }] } };
		expect(failures(checkFunctions(manifest(), 'us-central1', missing))).toEqual([expect.stringMatching(/operatorStatus, which is not a deployed function/)]);
	});

	it('prices warm instances with firebase-tools’ own estimate, resolving the param', () => {
		const { monthlyMinInstanceCost } = tools;
		expect(resolveInt('{{ params.MATCHMAKER_MIN_INSTANCES }}', { MATCHMAKER_MIN_INSTANCES: '2' })).toBe(2);
		expect(statuses(checkMinInstances(manifest(), goodEnv, monthlyMinInstanceCost))).toEqual(['pass']);
		const warm = checkMinInstances(manifest(), { ...goodEnv, MATCHMAKER_MIN_INSTANCES: '1' }, monthlyMinInstanceCost);
		expect(statuses(warm)).toEqual(['warn']);
		expect(warm[0]?.message).toMatch(/matchmaker × 1 kept warm: about \$\d+\.\d\d a month/);
		expect(warm[0]?.message).toMatch(/--force/);
		const cost = Number(/\$(\d+\.\d\d)/.exec(warm[0]?.message ?? '')?.[1]);
		expect(cost).toBeGreaterThan(0);
		expect(cost).toBeLessThan(10);
	});
});

describe('rules, indexes, Hosting', () => {
	it('maps the compiler’s answer: issues fail, a missing compiler is a manual check', () => {
		expect(statuses(checkRulesCompile('firestore.rules', { ok: true, issues: [] }))).toEqual(['pass']);
		expect(statuses(checkRulesCompile('firestore.rules', { ok: true, issues: ['x:1:1 WARNING Invalid method name: gett.'] }))).toEqual(['fail']);
		expect(statuses(checkRulesCompile('firestore.rules', { skipped: 'no Java' }))).toEqual(['skip']);
	});

	it('compiles this repository’s rules cleanly and finds a syntax error and an unknown method', (context) => {
		if (!firestoreJar()) {
			console.warn('SKIPPED rules compile: no Firestore emulator jar on this machine (firebase-tools cache or Google Cloud CLI).');
			context.skip();
		}
		const dir = mkdtempSync(join(tmpdir(), 'rules-'));
		const storage = readFileSync(new URL('storage.rules', root), 'utf8');
		writeFileSync(join(dir, 'syntax.rules'), storage.replace('allow get: if', 'allow get: if if'));
		writeFileSync(join(dir, 'method.rules'), storage.replace('allow get:', 'allow gett:'));
		const results = compileRules(new URL('.', root).pathname, ['firestore.rules', 'storage.rules', join(dir, 'syntax.rules'), join(dir, 'method.rules')]);
		if (Object.values(results).some((r) => 'skipped' in r)) {
			console.warn(`SKIPPED rules compile: ${JSON.stringify(results)}`);
			context.skip();
		}
		expect(results['firestore.rules']).toEqual({ ok: true, issues: [] });
		expect(results['storage.rules']).toEqual({ ok: true, issues: [] });
		expect(results[join(dir, 'syntax.rules')]).toMatchObject({ ok: false });
		expect(results[join(dir, 'method.rules')]).toMatchObject({ issues: [expect.stringMatching(/Invalid method name: gett/)] });
	}, 60_000);

	it('validates indexes with firebase-tools’ own validation', () => {
		const { FirestoreApi } = tools;
		const api = new FirestoreApi();
		const validate = (spec: unknown) => api.validateSpec(api.upgradeOldSpec(spec));
		const ours = checkIndexes(repoJson('firestore.indexes.json'), validate);
		expect(statuses(ours)).toEqual(['pass']);
		expect(ours[0]?.message).toMatch(/TTL on (?:.*, )?reports\.expireAt/);
		const badTtl = { indexes: [], fieldOverrides: [{ collectionGroup: 'reports', fieldPath: 'expireAt', ttl: 'yes', indexes: [] }] };
		expect(failures(checkIndexes(badTtl, validate))).toEqual([expect.stringMatching(/ttl/)]);
		const broken = { indexes: [{ collectionGroup: 'lobby', queryScope: 'COLLECTION', fields: [{ fieldPath: 'status', order: 'UP' }] }] };
		expect(failures(checkIndexes(broken, validate))).toEqual([expect.stringMatching(/order.*UP|UP.*order/)]);
		const noFields = { indexes: [{ collectionGroup: 'lobby', queryScope: 'COLLECTION' }] };
		expect(failures(checkIndexes(noFields, validate))).toEqual([expect.stringMatching(/fields/)]);
	});

	it('Storage rules that read Firestore need the service agent role (a manual step)', () => {
		expect(statuses(checkCrossServiceRules('allow read: if firestore.get(/databases/(default)/documents/calls/$(id)).data.x;'))).toEqual(['skip']);
		expect(statuses(checkCrossServiceRules('allow read: if request.auth != null;'))).toEqual(['pass']);
		expect(statuses(checkCrossServiceRules(readFileSync(new URL('storage.rules', root), 'utf8')))).toEqual(['skip']);
	});

	it('pages are served no-cache and hashed assets immutable, by the Hosting emulator’s own matcher', () => {
		const { configMatcher, slasher } = tools;
		const matches = (path: string, rule: { source?: string; regex?: string }) =>
			configMatcher(path, rule.source ? { source: slasher(rule.source) } : { regex: rule.regex });
		const ours = repoJson('firebase.json');
		expect(checkHosting(ours, matches)).toEqual([expect.objectContaining({ status: 'pass' })]);
		const withoutNoCache = { hosting: { ...ours.hosting, headers: ours.hosting.headers.filter((h: { regex?: string }) => !h.regex) } };
		expect(failures(checkHosting(withoutNoCache, matches))).toEqual([
			'/ is served with Cache-Control (none), not no-cache.',
			'/index.html is served with Cache-Control (none), not no-cache.',
			'/200.html is served with Cache-Control (none), not no-cache.',
			'/chat is served with Cache-Control (none), not no-cache.',
			'/terms is served with Cache-Control (none), not no-cache.'
		]);
	});
});

describe('functions lockfile', () => {
	const rootLock = { packages: { '': {}, 'node_modules/firebase-admin': { version: '13.10.0' }, 'node_modules/jose': { version: '4.15.9' } } };
	const lock = { packages: { '': {}, 'node_modules/firebase-admin': { version: '13.10.0' }, 'node_modules/jose': { version: '4.15.9' } } };

	it('passes a lock that deploys exactly what the tests ran, and this repository’s', () => {
		expect(statuses(checkFunctionsLock({ dependencies: { 'firebase-admin': '13.10.0' } }, lock, rootLock))).toEqual(['pass']);
		expect(
			failures(checkFunctionsLock(repoJson('functions/package.json'), repoJson('functions/package-lock.json'), repoJson('package-lock.json')))
		).toEqual([]);
	});

	it('fails without a lock, with a range, or with a version the tests never ran', () => {
		expect(failures(checkFunctionsLock({ dependencies: {} }, null, rootLock))).toEqual([expect.stringMatching(/missing/)]);
		expect(failures(checkFunctionsLock({ dependencies: { 'firebase-admin': '^13.9.0' } }, lock, rootLock))).toEqual([
			expect.stringMatching(/pin the tested version exactly: "13\.10\.0"/)
		]);
		const drifted = { packages: { ...lock.packages, 'node_modules/jose': { version: '6.0.0' } } };
		expect(failures(checkFunctionsLock({ dependencies: { 'firebase-admin': '13.10.0' } }, drifted, rootLock))).toEqual([
			expect.stringMatching(/never ran: jose@6\.0\.0/)
		]);
	});
});

describe('CORS and the manual steps', () => {
	it('allows GET from both Hosting domains and any custom domain, nothing else', () => {
		expect(corsOrigins('tangent-prod', ['Chat.Example.org'])).toEqual([
			'https://tangent-prod.web.app',
			'https://tangent-prod.firebaseapp.com',
			'https://chat.example.org'
		]);
		const [rule] = corsConfig('tangent-prod');
		expect(rule?.method).toEqual(['GET']);
		expect(rule?.origin).not.toContain('*');
		expect(() => corsOrigins('p', ['https://chat.example.org/'])).toThrow(/not a host name/);
		expect(parseArgs(['--project', 'p', '--domain', 'a.example.org', '--apply'])).toEqual({ project: 'p', domains: ['a.example.org'], apply: true });
	});

	it('prints the service agent step only when storage.rules read Firestore, and the policy in the functions’ region', () => {
		const base = { projectId: 'tangent-prod', region: 'europe-west1', secrets: ['TURN_SECRET'] };
		const withAgent = manualSteps({ ...base, crossServiceRules: true }).join('\n');
		expect(withAgent).toMatch(/gcp-sa-firebasestorage\.iam\.gserviceaccount\.com --role=roles\/firebaserules\.firestoreServiceAgent/);
		expect(withAgent).toMatch(/functions:artifacts:setpolicy --location europe-west1/);
		expect(withAgent).toMatch(/location eur3/);
		expect(withAgent).toMatch(/functions:secrets:get TURN_SECRET --project tangent-prod/);
		expect(manualSteps({ ...base, crossServiceRules: false }).join('\n')).not.toMatch(/firestoreServiceAgent/);
	});

	it('exits non-zero on any failure only', () => {
		expect(exitCode([{ check: 'a', status: 'warn', message: '' }, { check: 'b', status: 'skip', message: '' }])).toBe(0);
		expect(exitCode([{ check: 'a', status: 'fail', message: '' }])).toBe(1);
	});
});
