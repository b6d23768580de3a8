// Loaded into the firebase-tools process (`node --require`, scripts/emulators.mjs).
//
// firebase-tools 14.18 reads the Storage rules runtime's stdout as one JSON document per
// chunk (lib/emulator/storage/rules/runtime.js): two responses that reach it in one chunk
// fail to parse, are logged at INFO and dropped, and both requests hang. The runtime writes
// one line per response and spaces them, but a busy Node process still reads several lines
// at once: a fresh-clone CI run lost two of three concurrent uploads that way (its log shows
// {"id":68,…} and {"id":69,…} printed together, and the Playwright trace two uploads with no
// answer while the third took 54 ms). This hands firebase-tools the runtime's output one
// whole line per 'data' event, whatever the pipe delivers.
'use strict';
const childProcess = require('node:child_process');

const spawn = childProcess.spawn;
childProcess.spawn = function spawnSplittingRulesRuntimeLines(command, args, options) {
	const child = spawn.call(this, command, args, options);
	const isRulesRuntime = Array.isArray(args) && args.some((arg) => String(arg).includes('storage-rules-runtime'));
	if (isRulesRuntime && child.stdout) {
		const addListener = child.stdout.on.bind(child.stdout);
		child.stdout.on = child.stdout.addListener = function (event, listener) {
			if (event !== 'data') return addListener(event, listener);
			let partial = '';
			return addListener('data', (chunk) => {
				partial += chunk.toString('utf-8');
				const lines = partial.split('\n');
				partial = lines.pop() ?? '';
				for (const line of lines) if (line.trim() !== '') listener(Buffer.from(`${line}\n`, 'utf-8'));
			});
		};
	}
	return child;
};
