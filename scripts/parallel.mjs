#!/usr/bin/env node
// Runs several commands at once and reports each one whole, as it finishes:
//
//   node scripts/parallel.mjs "npm run check" "npm run lint"
//
// `npm test` uses it for steps that do not depend on each other (type checks, lint, unit
// tests, the build): on CI's two cores they overlap instead of queueing, which is most of
// what keeps the whole run under 15 minutes. Each command's output is held back until it
// ends, so the log reads as if they ran one after another. Exits non-zero if any failed,
// after all have finished (one failure does not hide another).
import { spawn } from 'node:child_process';

const commands = process.argv.slice(2);
if (commands.length === 0) {
	console.error('usage: node scripts/parallel.mjs "<command>" ["<command>" ...]');
	process.exit(2);
}

/** @param {string} command */
function run(command) {
	const startedAt = Date.now();
	return new Promise((resolve) => {
		const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '1' } });
		/** @type {Buffer[]} */
		const output = [];
		child.stdout.on('data', (chunk) => output.push(chunk));
		child.stderr.on('data', (chunk) => output.push(chunk));
		child.on('close', (code, signal) => {
			const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
			const ok = code === 0;
			process.stdout.write(`\n[parallel] ── ${command} ── ${ok ? 'passed' : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds} s\n`);
			process.stdout.write(Buffer.concat(output));
			resolve({ command, ok, seconds });
		});
	});
}

const results = await Promise.all(commands.map(run));
const failed = results.filter((r) => !r.ok);
console.log(`\n[parallel] ${results.map((r) => `${r.command}: ${r.ok ? 'ok' : 'FAILED'} (${r.seconds} s)`).join('; ')}`);
if (failed.length > 0) {
	console.error(`[parallel] ${failed.length} of ${results.length} failed: ${failed.map((r) => r.command).join(', ')}`);
	process.exit(1);
}
