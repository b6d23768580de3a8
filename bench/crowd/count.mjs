// Counts the Firestore operations a piece of code makes, as Firestore bills them, by
// wrapping the two funnels every Admin SDK RPC goes through (as bench/lib/instrument-admin.cjs
// does for the functions emulator) and attributing each RPC to the AsyncLocalStorage
// context it was made in. So the bench's own seeding and checking is never counted, and
// two designs measured in one process are measured the same way.
//   reads: one per document a get or query returns (a missing document counts one), at
//          least one per query; an aggregation counts one. writes: one per write in a commit.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Firestore } = require('@google-cloud/firestore');
const context = new AsyncLocalStorage();

export function newCounter() {
	return { reads: 0, writes: 0, commits: 0, queries: 0 };
}

/** Runs `fn` with every Firestore operation it causes added to `counter`. */
export function counted(counter, fn) {
	return context.run(counter, fn);
}

let installed = false;
export function installCounting() {
	if (installed) return;
	installed = true;
	const proto = Firestore.prototype;
	const request = proto.request;
	proto.request = function (methodName, req, ...rest) {
		const counter = context.getStore();
		if (counter && (methodName === 'commit' || methodName === 'batchWrite') && Array.isArray(req?.writes)) {
			counter.writes += req.writes.length;
			counter.commits++;
		}
		return request.call(this, methodName, req, ...rest);
	};
	const requestStream = proto.requestStream;
	proto.requestStream = function (methodName, bidirectional, req, ...rest) {
		const counter = context.getStore();
		return requestStream.call(this, methodName, bidirectional, req, ...rest).then((stream) => {
			if (!counter || !['batchGetDocuments', 'runQuery', 'runAggregationQuery'].includes(methodName)) return stream;
			let reads = 0;
			const emit = stream.emit;
			stream.emit = function (event, chunk, ...more) {
				if (event === 'data' && chunk) {
					if (methodName === 'batchGetDocuments' && (chunk.found || chunk.missing)) reads++;
					else if (methodName === 'runQuery' && chunk.document) reads++;
				} else if (event === 'end') {
					if (methodName === 'runAggregationQuery') reads = 1;
					else if (methodName === 'runQuery') reads = Math.max(reads, 1);
					counter.reads += reads;
					if (methodName !== 'batchGetDocuments') counter.queries++;
				}
				return emit.call(this, event, chunk, ...more);
			};
			return stream;
		});
	};
}
