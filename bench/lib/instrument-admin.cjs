// Preloaded (NODE_OPTIONS=--require) into the Cloud Functions emulator's worker processes
// by bench/run.mjs, so the bench can count what the functions cost in Firestore. It wraps
// the two funnels every Admin SDK RPC goes through (@google-cloud/firestore's
// Firestore#request and #requestStream) and appends one JSON line per operation to
// $BENCH_OPS_FILE:
//   {"k":"op","t":<epoch ms>,"m":"commit","writes":3,"paths":["lobby/…","calls/…"]}
//   {"k":"op","t":…,"m":"runQuery","reads":2,"coll":"lobby"}
// Reads are counted as Firestore bills them: one per document returned by a query or a
// get (a get of a missing document also counts one), and at least one per query even
// when it returns nothing; an aggregation query counts one. It also copies the
// functions' structured log lines named "matchmaker" and "callCleanup" to the same file
// ({"k":"log",…}), which is how the bench learns transaction attempts per matchmaker run.
// Outside a bench run (no BENCH_OPS_FILE) it does nothing.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');

const file = process.env.BENCH_OPS_FILE;
if (file) install(file);

function install(out) {
	const emit = (record) => {
		try {
			fs.appendFileSync(out, JSON.stringify({ ...record, pid: process.pid }) + '\n');
		} catch {
			// The bench may have moved on; never break a function over bookkeeping.
		}
	};
	const now = () => performance.timeOrigin + performance.now();
	/** "projects/p/databases/(default)/documents/calls/x/candidates/y" → "calls/x/candidates/y" */
	const docPath = (name) => (typeof name === 'string' ? name.replace(/^.*?\/documents\//, '') : '?');

	let patched = false;
	const load = Module._load;
	Module._load = function (request, parent, isMain) {
		const exports = load.apply(this, arguments);
		if (!patched && request === '@google-cloud/firestore' && exports && exports.Firestore) {
			patched = true;
			patchFirestore(exports.Firestore.prototype);
		}
		return exports;
	};

	function patchFirestore(proto) {
		const request = proto.request;
		proto.request = function (methodName, req, ...rest) {
			if ((methodName === 'commit' || methodName === 'batchWrite') && req && Array.isArray(req.writes)) {
				emit({
					k: 'op',
					t: now(),
					m: methodName,
					writes: req.writes.length,
					tx: Boolean(req.transaction),
					paths: req.writes.map((w) => docPath(w.update?.name ?? w.delete ?? w.transform?.document))
				});
			}
			return request.call(this, methodName, req, ...rest);
		};

		const requestStream = proto.requestStream;
		proto.requestStream = function (methodName, bidirectional, req, ...rest) {
			const started = now();
			return requestStream.call(this, methodName, bidirectional, req, ...rest).then((stream) => {
				if (methodName === 'batchGetDocuments' || methodName === 'runQuery' || methodName === 'runAggregationQuery') {
					let reads = 0;
					const coll =
						methodName === 'batchGetDocuments'
							? (req?.documents ?? []).map(docPath).join(',')
							: (req?.structuredQuery ?? req?.structuredAggregationQuery?.structuredQuery)?.from?.[0]?.collectionId;
					const streamEmit = stream.emit;
					stream.emit = function (event, chunk, ...more) {
						if (event === 'data' && chunk) {
							if (methodName === 'batchGetDocuments' && (chunk.found || chunk.missing)) reads++;
							else if (methodName === 'runQuery' && chunk.document) reads++;
						} else if (event === 'end') {
							if (methodName === 'runAggregationQuery') reads = 1;
							else if (methodName === 'runQuery') reads = Math.max(reads, 1);
							emit({ k: 'op', t: now(), t0: started, m: methodName, reads, coll, tx: Boolean(req?.transaction || req?.newTransaction) });
						}
						return streamEmit.call(this, event, chunk, ...more);
					};
				}
				return stream;
			});
		};
	}

	// Structured logs from firebase-functions/v2's logger are single JSON lines on stdout.
	const write = process.stdout.write;
	process.stdout.write = function (chunk, ...rest) {
		try {
			const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
			if (text.includes('"matchmaker"') || text.includes('"callCleanup"')) {
				for (const line of text.split('\n')) {
					if (!line.startsWith('{')) continue;
					const entry = JSON.parse(line);
					if (entry.message === 'matchmaker' || entry.message === 'callCleanup') emit({ k: 'log', t: now(), ...entry });
				}
			}
		} catch {
			// Not ours to parse.
		}
		return write.call(this, chunk, ...rest);
	};
}
