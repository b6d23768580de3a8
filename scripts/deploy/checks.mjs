// @ts-check
// What `npm run deploy:check` verifies, as pure functions over configs already read from
// disk (check.mjs does the reading, building and compiling). Each check returns findings:
//   pass  verified from the repository and the local config
//   fail  a deploy would stop, misbehave or target the wrong project
//   warn  allowed, but say so (e.g. no TURN server)
//   skip  could not be verified here (the reason says why); do it by hand
// scripts/deploy/checks.spec.ts runs each against fixture configs.

/** @typedef {'pass' | 'fail' | 'warn' | 'skip'} Status */
/** @typedef {{ check: string, status: Status, message: string }} Finding */

/**
 * The parts of the functions manifest (firebase-functions' `stackToWire`) we read.
 * @typedef {{
 *   region?: string[] | null,
 *   availableMemoryMb?: number | string | null,
 *   timeoutSeconds?: number | string | null,
 *   maxInstances?: number | string | null,
 *   minInstances?: number | string | null,
 *   secretEnvironmentVariables?: { key: string }[] | null,
 *   httpsTrigger?: object, callableTrigger?: object, eventTrigger?: object, scheduleTrigger?: object
 * }} ManifestEndpoint
 * @typedef {{ name: string, type: string, default?: unknown }} ManifestParam
 * @typedef {{ endpoints: Record<string, ManifestEndpoint>, params?: ManifestParam[] }} Manifest
 */

/** @param {string} check @param {Status} status @param {string} message @returns {Finding} */
const finding = (check, status, message) => ({ check, status, message });

/** Google Cloud project ids: 6-30 characters, lowercase letters, digits and hyphens. */
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** @param {string | undefined} projectId @returns {Finding[]} */
export function checkProjectId(projectId) {
	const check = 'project';
	if (!projectId) return [finding(check, 'fail', 'No project: run `npm run deploy:check -- --project <your-project-id>`.')];
	if (projectId.startsWith('demo-'))
		return [finding(check, 'fail', `"${projectId}" is a demo project id: the emulators use it, a real deploy cannot.`)];
	if (!PROJECT_ID.test(projectId)) return [finding(check, 'fail', `"${projectId}" is not a valid Google Cloud project id.`)];
	return [finding(check, 'pass', `Deploying to ${projectId}.`)];
}

/**
 * A bare `firebase deploy` uses .firebaserc's `default`: it must not be a demo project
 * (nor, for safety, any project at all: deploys name theirs with --project).
 * @param {{ projects?: Record<string, string> } | null} firebaserc
 * @param {string} projectId
 * @returns {Finding[]}
 */
export function checkFirebaserc(firebaserc, projectId) {
	const check = '.firebaserc';
	const projects = firebaserc?.projects ?? {};
	const fallback = projects.default;
	if (fallback?.startsWith('demo-'))
		return [finding(check, 'fail', `"default" is the demo project ${fallback}: a bare \`firebase deploy\` would target it. Remove it.`)];
	if (fallback && fallback !== projectId)
		return [finding(check, 'warn', `"default" is ${fallback}, not ${projectId}: a bare \`firebase deploy\` goes there. Always pass --project.`)];
	return [finding(check, 'pass', fallback ? `default is ${fallback}.` : 'No default project: a bare `firebase deploy` stops instead of guessing.')];
}

/** Values that only make sense on the emulators. */
const DEMO_VALUE = /127\.0\.0\.1|localhost|\bdemo\b|demo-tangent|example\.com|local-only/i;

/**
 * Every non-secret param needs a value in functions/.env or .env.<project> (a non-interactive
 * deploy stops on one without, even when the param has a default); secrets must not be in
 * any .env file; values must parse and not be the emulators' demo values.
 * @param {Manifest} manifest
 * @param {Record<string, string>} env  the merged .env files, as firebase-tools loads them
 * @param {string[]} envFiles  which files were found (for messages)
 * @param {string} projectEnvFile  functions/.env.<project>, where the values belong
 * @returns {Finding[]}
 */
export function checkParams(manifest, env, envFiles, projectEnvFile) {
	const check = 'params';
	/** @type {Finding[]} */
	const out = [];
	const params = manifest.params ?? [];
	const from = envFiles.length ? envFiles.join(' + ') : `${projectEnvFile} (there is none yet)`;
	for (const param of params) {
		if (param.type === 'secret') {
			if (param.name in env)
				out.push(finding(check, 'fail', `${param.name} is a secret but has a value in ${from}: remove it there and use \`firebase functions:secrets:set ${param.name}\`.`));
			continue;
		}
		const value = env[param.name];
		if (value === undefined) {
			out.push(finding(check, 'fail', `${param.name} has no value in ${from} (a non-interactive deploy stops on it). Default: ${JSON.stringify(param.default ?? null)}.`));
			continue;
		}
		if (param.type === 'int' && !/^-?\d+$/.test(value.trim()))
			out.push(finding(check, 'fail', `${param.name}=${value} is not a whole number.`));
		else if (DEMO_VALUE.test(value)) out.push(finding(check, 'fail', `${param.name}=${value} is a demo or placeholder value.`));
	}
	const declared = new Set(params.map((p) => p.name));
	const unused = Object.keys(env).filter((key) => !declared.has(key));
	if (unused.length) out.push(finding(check, 'warn', `Set in ${from} but no function declares it: ${unused.join(', ')}.`));
	if (out.every((f) => f.status !== 'fail'))
		out.push(finding(check, 'pass', `${params.filter((p) => p.type !== 'secret').length} params have values in ${from}.`));
	return out;
}

/** @param {Manifest} manifest @returns {string[]} */
export function declaredSecrets(manifest) {
	const names = new Set((manifest.params ?? []).filter((p) => p.type === 'secret').map((p) => p.name));
	for (const endpoint of Object.values(manifest.endpoints))
		for (const secret of endpoint.secretEnvironmentVariables ?? []) names.add(secret.key);
	return [...names].sort();
}

/**
 * Secrets live in Secret Manager, which cannot be read offline: list them, and make sure
 * the emulator's local secrets and env files are never uploaded with the source.
 * @param {Manifest} manifest
 * @param {{ functions?: { ignore?: string[] }[] | { ignore?: string[] } }} firebaseJson
 * @returns {Finding[]}
 */
export function checkSecrets(manifest, firebaseJson) {
	const check = 'secrets';
	const secrets = declaredSecrets(manifest);
	const codebases = Array.isArray(firebaseJson.functions) ? firebaseJson.functions : [firebaseJson.functions ?? {}];
	/** @type {Finding[]} */
	const out = [];
	for (const codebase of codebases) {
		const ignore = codebase.ignore ?? [];
		for (const local of ['.secret.local', '.env.local'])
			if (!ignore.includes(local)) out.push(finding(check, 'fail', `firebase.json functions.ignore lacks ${local}: the emulator's local values would be uploaded.`));
	}
	out.push(
		finding(
			check,
			'skip',
			secrets.length
				? `Declared: ${secrets.join(', ')}. Secret Manager cannot be checked offline: \`firebase functions:secrets:get <NAME>\` must show a version for each (else a non-interactive deploy stops).`
				: 'No secrets declared.'
		)
	);
	return out;
}

/** @param {unknown} value */
const isSet = (value) => value !== null && value !== undefined && value !== '';

/**
 * Every function states its region, memory, timeout and instance cap (no silent defaults),
 * all in one region, and firebase.json's Hosting rewrites point at that region.
 * @param {Manifest} manifest
 * @param {string} region  FUNCTIONS_REGION from functions/src/shared/region.ts
 * @param {{ hosting?: { rewrites?: { source: string, function?: { functionId: string, region?: string } }[] } }} firebaseJson
 * @returns {Finding[]}
 */
export function checkFunctions(manifest, region, firebaseJson) {
	/** @type {Finding[]} */
	const out = [];
	const ids = Object.keys(manifest.endpoints);
	for (const [id, endpoint] of Object.entries(manifest.endpoints)) {
		const missing = ['availableMemoryMb', 'timeoutSeconds', 'maxInstances'].filter(
			(key) => !isSet(/** @type {Record<string, unknown>} */ (endpoint)[key])
		);
		if (missing.length) out.push(finding('functions', 'fail', `${id} leaves ${missing.join(', ')} to the defaults: set them in functions/src/runtime.ts.`));
		const regions = endpoint.region ?? [];
		if (regions.length !== 1 || regions[0] !== region)
			out.push(finding('regions', 'fail', `${id} runs in ${regions.join(', ') || 'the default region'}, not ${region}.`));
	}
	for (const rewrite of firebaseJson.hosting?.rewrites ?? []) {
		const target = rewrite.function;
		if (!target) continue;
		if (!ids.includes(target.functionId))
			out.push(finding('regions', 'fail', `Hosting rewrite ${rewrite.source} points at ${target.functionId}, which is not a deployed function.`));
		else if ((target.region ?? 'us-central1') !== region)
			out.push(finding('regions', 'fail', `Hosting rewrite ${rewrite.source} looks for ${target.functionId} in ${target.region ?? 'us-central1'}; it runs in ${region}.`));
	}
	if (!out.some((f) => f.check === 'functions'))
		out.push(finding('functions', 'pass', `${ids.length} functions, each with memory, timeout and an instance cap.`));
	if (!out.some((f) => f.check === 'regions'))
		out.push(finding('regions', 'pass', `All functions and Hosting rewrites in ${region}.`));
	return out;
}

/**
 * Warm instances cost money while idle, and a non-interactive deploy that raises the
 * minimum bill stops unless run with --force: say which, and the monthly figure.
 * @param {Manifest} manifest
 * @param {Record<string, string>} env
 * @param {(endpoints: object[]) => number} monthlyCost  firebase-tools' pricing.monthlyMinInstanceCost
 * @returns {Finding[]}
 */
export function checkMinInstances(manifest, env, monthlyCost) {
	const check = 'min instances';
	const warm = [];
	for (const [id, endpoint] of Object.entries(manifest.endpoints)) {
		const n = resolveInt(endpoint.minInstances, env);
		if (n && n > 0) {
			const memory = resolveInt(endpoint.availableMemoryMb, env) ?? 256;
			warm.push({ id, platform: 'gcfv2', region: endpoint.region?.[0] ?? 'us-central1', minInstances: n, availableMemoryMb: memory, cpu: memory >= 4096 ? 2 : 1 });
		}
	}
	if (!warm.length) return [finding(check, 'pass', 'No warm instances: no idle cost (each function may cold-start).')];
	const cost = monthlyCost(warm);
	const which = warm.map((w) => `${w.id} × ${w.minInstances}`).join(', ');
	return [
		finding(check, 'warn', `${which} kept warm: about $${cost.toFixed(2)} a month after the free tier (firebase-tools' estimate). Deploy non-interactively with --force, or it stops on this.`)
	];
}

/**
 * @param {number | string | null | undefined} value  a number or a `{{ params.NAME }}` expression
 * @param {Record<string, string>} env
 * @returns {number | null}
 */
export function resolveInt(value, env) {
	if (typeof value === 'number') return value;
	if (typeof value !== 'string') return null;
	const param = /^\{\{\s*params\.([A-Z0-9_]+)\s*\}\}$/.exec(value);
	const raw = param ? env[param[1] ?? ''] : value;
	const n = raw === undefined ? NaN : Number(raw);
	return Number.isInteger(n) ? n : null;
}

/**
 * @param {string} file
 * @param {{ ok: boolean, issues: string[] } | { skipped: string }} result  from the rules compiler
 * @returns {Finding[]}
 */
export function checkRulesCompile(file, result) {
	const check = 'rules';
	if ('skipped' in result) return [finding(check, 'skip', `${file} not compiled: ${result.skipped}`)];
	if (!result.ok || result.issues.length)
		return [finding(check, 'fail', `${file} does not compile cleanly:\n      ${result.issues.join('\n      ')}`)];
	return [finding(check, 'pass', `${file} compiles (the Firestore emulator's rules compiler).`)];
}

/**
 * Storage rules that call firestore.get()/exists() need the Storage service agent to hold
 * the Firestore rules role. firebase-tools grants it only when deploying interactively
 * (rulesDeploy.js skips the check with --non-interactive), after which every such Storage
 * request is denied. Same regex as firebase-tools.
 * @param {string} storageRules
 * @returns {Finding[]}
 */
export function checkCrossServiceRules(storageRules) {
	if (!/firestore\.(get|exists)/.test(storageRules))
		return [finding('storage agent', 'pass', 'storage.rules read nothing from Firestore: no extra role needed.')];
	return [
		finding(
			'storage agent',
			'skip',
			'storage.rules read Firestore: the Storage service agent needs roles/firebaserules.firestoreServiceAgent (IAM cannot be read offline; see the steps below).'
		)
	];
}

/**
 * @param {unknown} indexes  firestore.indexes.json
 * @param {(spec: unknown) => void} validate  firebase-tools' FirestoreApi validateSpec(upgradeOldSpec(...)), throws on error
 * @returns {Finding[]}
 */
export function checkIndexes(indexes, validate) {
	try {
		validate(indexes);
	} catch (error) {
		return [finding('indexes', 'fail', `firestore.indexes.json: ${error instanceof Error ? error.message : String(error)}`)];
	}
	const spec = /** @type {{ indexes?: unknown[], fieldOverrides?: { collectionGroup: string, fieldPath: string, ttl?: boolean }[] }} */ (indexes);
	const ttl = (spec.fieldOverrides ?? []).filter((f) => f.ttl).map((f) => `${f.collectionGroup}.${f.fieldPath}`);
	return [
		finding(
			'indexes',
			'pass',
			`firestore.indexes.json is valid (${spec.indexes?.length ?? 0} composite indexes; TTL on ${ttl.join(', ') || 'nothing'}; firebase-tools' own validation).`
		)
	];
}

/**
 * Hosting: the app must be built into `public`, its pages (index.html, the fallback 200.html) served no-cache (a redeploy
 * deletes old chunks), hashed assets immutable.
 * @param {{ hosting?: { public?: string, headers?: { source?: string, regex?: string, headers: { key: string, value: string }[] }[] } }} firebaseJson
 * @param {(path: string, rule: { source?: string, regex?: string }) => boolean} matches  the Hosting emulator's matcher
 * @returns {Finding[]}
 */
export function checkHosting(firebaseJson, matches) {
	const hosting = firebaseJson.hosting;
	if (!hosting) return [finding('hosting', 'fail', 'firebase.json has no hosting section.')];
	/** @param {string} path */
	const cacheControl = (path) => {
		let value;
		for (const rule of hosting.headers ?? [])
			if (matches(path, rule)) for (const h of rule.headers) if (h.key.toLowerCase() === 'cache-control') value = h.value;
		return value;
	};
	/** @type {Finding[]} */
	const out = [];
	for (const path of ['/', '/index.html', '/200.html', '/chat', '/terms'])
		if (cacheControl(path) !== 'no-cache') out.push(finding('hosting', 'fail', `${path} is served with Cache-Control ${cacheControl(path) ?? '(none)'}, not no-cache.`));
	// The functions behind /api/ set their own caching (the online count is cached by the CDN,
	// the operator status never): a page rule must not override it.
	for (const path of ['/api/online', '/api/status', '/api/leave'])
		if (cacheControl(path) !== undefined) out.push(finding('hosting', 'fail', `${path} gets Cache-Control ${cacheControl(path)} from firebase.json, overriding its function's own.`));
	if (!/immutable/.test(cacheControl('/_app/immutable/entry/start.js') ?? ''))
		out.push(finding('hosting', 'fail', '/_app/immutable/** is not served immutable.'));
	if (!out.length) out.push(finding('hosting', 'pass', `Serves ${hosting.public}/; pages no-cache, hashed assets immutable.`));
	return out;
}

/**
 * functions/ deploys with its own lockfile (Cloud Build runs `npm ci` when one is there),
 * generated by `npm run lock:functions`. It must deploy exactly what the tests ran: the
 * direct dependencies pinned to the root lockfile's versions, and every package it installs
 * a name@version the root lockfile installs too.
 * @param {{ dependencies?: Record<string, string> }} functionsPackage
 * @param {{ packages?: Record<string, { version?: string }> } | null} functionsLock
 * @param {{ packages?: Record<string, { version?: string }> }} rootLock
 * @returns {Finding[]}
 */
export function checkFunctionsLock(functionsPackage, functionsLock, rootLock) {
	const check = 'lockfile';
	const regenerate = 'Run `npm run lock:functions`.';
	if (!functionsLock)
		return [finding(check, 'fail', `functions/package-lock.json is missing: Cloud Build would install whatever matches the ranges on deploy day. ${regenerate}`)];
	/** @type {Finding[]} */
	const out = [];
	for (const [name, range] of Object.entries(functionsPackage.dependencies ?? {})) {
		const tested = rootLock.packages?.[`node_modules/${name}`]?.version ?? rootLock.packages?.[`functions/node_modules/${name}`]?.version;
		const deployed = functionsLock.packages?.[`node_modules/${name}`]?.version;
		if (range !== tested) out.push(finding(check, 'fail', `functions/package.json asks for ${name} "${range}"; pin the tested version exactly: "${tested ?? '?'}".`));
		else if (deployed !== tested) out.push(finding(check, 'fail', `${name}: functions/package-lock.json deploys ${deployed ?? 'nothing'}, the tests ran ${tested}. ${regenerate}`));
	}
	/** @param {string} path */
	const nameOf = (path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
	const tested = new Set(Object.entries(rootLock.packages ?? {}).filter(([path]) => path).map(([path, p]) => `${nameOf(path)}@${p.version}`));
	const untested = Object.entries(functionsLock.packages ?? {})
		.filter(([path, p]) => path && !tested.has(`${nameOf(path)}@${p.version}`))
		.map(([path, p]) => `${nameOf(path)}@${p.version}`);
	if (untested.length)
		out.push(finding(check, 'fail', `functions/package-lock.json installs versions the tests never ran: ${untested.join(', ')}. ${regenerate} (or add an override in functions/package.json).`));
	if (!out.length) out.push(finding(check, 'pass', 'functions/package-lock.json deploys exactly the versions the tests use.'));
	return out;
}

/**
 * TURN: without TURN_URLS "Hide my IP" has no relay and strict NATs fail; a turns: URL
 * (TLS on 5349) gets through firewalls that only allow TLS.
 * @param {Record<string, string>} env
 * @returns {Finding[]}
 */
export function checkTurn(env) {
	const urls = (env.TURN_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean);
	if (!urls.length) return [finding('turn', 'warn', 'TURN_URLS is empty: calls connect directly only, and "Hide my IP" says no relay is available.')];
	const bad = urls.filter((u) => !/^turns?:[^\s]+$/.test(u));
	if (bad.length) return [finding('turn', 'fail', `TURN_URLS has entries that are not turn: or turns: URLs: ${bad.join(', ')}.`)];
	if (!urls.some((u) => u.startsWith('turns:')))
		return [finding('turn', 'warn', 'No turns: URL (TLS, port 5349): users behind firewalls that allow only TLS cannot be relayed.')];
	return [finding('turn', 'pass', `${urls.length} TURN URLs, with TLS.`)];
}

/** @param {Finding[]} findings */
export function exitCode(findings) {
	return findings.some((f) => f.status === 'fail') ? 1 : 0;
}
