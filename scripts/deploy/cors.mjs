#!/usr/bin/env node
// @ts-check
// The Storage bucket's CORS configuration. The app downloads shared files with getBlob(),
// which the browser fetches cross-origin from the Storage API: the bucket must allow GET
// from the origins the app is served on, or every download fails (the emulator allows all
// origins, so no test can see it).
//
//   npm run deploy:cors -- --project <id> [--domain chat.example.com]... [--bucket <name>] [--apply]
//
// Writes .cache/deploy/cors.<project>.json and prints the gcloud command that applies it
// (runs it with --apply). The Hosting domains <project>.web.app and
// <project>.firebaseapp.com are always included; custom domains come from --domain (or
// TANGENT_CUSTOM_DOMAINS, comma-separated). Preview channels (<project>--<channel>-<hash>.web.app)
// are not covered: GCS CORS has no wildcards, so add a channel's origin with --domain.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How long browsers may cache the preflight answer. */
const MAX_AGE_SECONDS = 3600;

/**
 * @param {string} projectId
 * @param {string[]} customDomains  host names, e.g. "chat.example.com" (no scheme, no path)
 */
export function corsOrigins(projectId, customDomains = []) {
	for (const domain of customDomains)
		if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(domain))
			throw new Error(`"${domain}" is not a host name (give it without https:// or a path, e.g. chat.example.com).`);
	const hosts = [`${projectId}.web.app`, `${projectId}.firebaseapp.com`, ...customDomains.map((d) => d.toLowerCase())];
	return [...new Set(hosts)].map((host) => `https://${host}`);
}

/**
 * The bucket's CORS document: GET (what getBlob sends) from the app's origins only.
 * @param {string} projectId
 * @param {string[]} customDomains
 */
export function corsConfig(projectId, customDomains = []) {
	return [
		{
			origin: corsOrigins(projectId, customDomains),
			method: ['GET'],
			responseHeader: ['Content-Type', 'Content-Length', 'Content-Disposition'],
			maxAgeSeconds: MAX_AGE_SECONDS
		}
	];
}

/**
 * New projects get <project>.firebasestorage.app; projects from before October 2024, <project>.appspot.com.
 * @param {string} projectId
 */
export function defaultBucket(projectId) {
	return `${projectId}.firebasestorage.app`;
}

/** @param {string[]} argv */
export function parseArgs(argv) {
	/** @type {{ project?: string, domains: string[], bucket?: string, apply: boolean }} */
	const args = { domains: [], apply: false };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const value = () => {
			const next = argv[++i];
			if (next === undefined) throw new Error(`${arg} needs a value`);
			return next;
		};
		if (arg === '--project' || arg === '-P') args.project = value();
		else if (arg?.startsWith('--project=')) args.project = arg.slice('--project='.length);
		else if (arg === '--domain') args.domains.push(value());
		else if (arg === '--bucket') args.bucket = value();
		else if (arg === '--apply') args.apply = true;
		else throw new Error(`Unknown argument ${arg}`);
	}
	return args;
}

function main() {
	const args = parseArgs(process.argv.slice(2));
	if (!args.project || args.project.startsWith('demo-')) {
		console.error('Usage: npm run deploy:cors -- --project <your-project-id> [--domain chat.example.com] [--bucket <name>] [--apply]');
		process.exit(2);
	}
	const domains = [...args.domains, ...(process.env.TANGENT_CUSTOM_DOMAINS ?? '').split(',').map((d) => d.trim()).filter(Boolean)];
	const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
	const file = join(root, '.cache', 'deploy', `cors.${args.project}.json`);
	mkdirSync(dirname(file), { recursive: true });
	writeFileSync(file, JSON.stringify(corsConfig(args.project, domains), null, 2) + '\n');
	const bucket = args.bucket ?? defaultBucket(args.project);
	const command = ['gcloud', 'storage', 'buckets', 'update', `gs://${bucket}`, `--cors-file=${file}`, `--project=${args.project}`];
	console.log(`Wrote ${file}:\n${JSON.stringify(corsConfig(args.project, domains), null, 2)}\n`);
	if (!args.apply) {
		console.log(`Apply it (or rerun with --apply):\n  ${command.join(' ')}\nCheck it:\n  gcloud storage buckets describe gs://${bucket} --format="default(cors_config)"`);
		return;
	}
	const run = spawnSync(command[0] ?? 'gcloud', command.slice(1), { stdio: 'inherit' });
	if (run.error) throw new Error(`Could not run gcloud (${run.error.message}); install the Google Cloud CLI or run the command above elsewhere.`);
	process.exit(run.status ?? 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	try {
		main();
	} catch (error) {
		console.error(error instanceof Error ? error.message : error);
		process.exit(2);
	}
}
