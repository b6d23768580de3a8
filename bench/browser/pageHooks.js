// Injected into every bench page before its own scripts (Playwright addInitScript). Plain
// browser JavaScript; records into window.__bench, with epoch-ms times
// (performance.timeOrigin + performance.now(), comparable across pages on one machine):
//   status  every text of [data-testid=status] (the app's "Looking for someone…",
//           "Connecting…" = matched, "Connected — say hi!" = data channel open)
//   clicks  every button pressed (Start, Next), at the moment of the click
//   frames  the first frame of each new stream on [data-testid=remote-video]
//           (requestVideoFrameCallback)
//   fs      Firestore traffic, read off the SDK's WebChannel requests to the emulator:
//           writes = each Write in a Write-stream message (or a commit), with its path;
//           reads  = each document the server delivers on a Listen stream
//           (documentChange), or returns from a batchGet/runQuery;
//           listens = each listen target added.
(() => {
	const now = () => performance.timeOrigin + performance.now();
	const bench = (window.__bench = { status: [], clicks: [], frames: [], fs: [] });
	const docPath = (name) => String(name).replace(/^.*?\/documents\//, '');

	// -- Firestore over WebChannel ----------------------------------------------------
	const record = (kind, path, extra, t = now()) => bench.fs.push({ kind, path, t, ...extra });

	function countRequestBody(url, body, t = now()) {
		if (typeof body !== 'string') return;
		const messages = [];
		if (url.includes('/channel')) {
			for (const [key, value] of new URLSearchParams(body)) {
				if (/^req\d+___data__$/.test(key)) {
					try {
						messages.push(JSON.parse(value));
					} catch {
						/* not JSON */
					}
				}
			}
		} else {
			try {
				messages.push(JSON.parse(body));
			} catch {
				return;
			}
		}
		for (const m of messages) {
			for (const w of m.writes ?? []) record('write', docPath(w.update?.name ?? w.delete ?? w.transform?.document ?? '?'), {}, t);
			if (m.addTarget) {
				const target = m.addTarget.documents?.documents?.map(docPath).join(',') ?? m.addTarget.query?.structuredQuery?.from?.[0]?.collectionId ?? '?';
				record('listen', target, { targetId: m.addTarget.targetId }, t);
			}
		}
	}

	const DOC_CHANGE = /"documentChange"\s*:\s*\{\s*"document"\s*:\s*\{\s*"name"\s*:\s*"([^"]+)"/g;
	const FOUND = /"found"\s*:\s*\{\s*"name"\s*:\s*"([^"]+)"/g;
	const QUERY_DOC = /"document"\s*:\s*\{\s*"name"\s*:\s*"([^"]+)"/g;

	function patternFor(url) {
		return url.includes('/Listen/') ? DOC_CHANGE : url.includes(':batchGet') ? FOUND : url.includes(':runQuery') ? QUERY_DOC : null;
	}

	/** Counts the documents in a response's text so far; `state` remembers what was counted. */
	function countText(url, text, state) {
		const pattern = patternFor(url);
		if (!pattern) return;
		const paths = [...text.matchAll(pattern)].map((m) => docPath(m[1]));
		for (const path of paths.slice(state.reads ?? 0)) record('read', path);
		state.reads = Math.max(state.reads ?? 0, paths.length);
	}

	const isFirestore = (url) => url.includes('google.firestore.v1.Firestore') || url.includes('/documents:');

	// The SDK's WebChannel talks through fetch (streamed responses) or XMLHttpRequest.
	const fetch0 = window.fetch;
	window.fetch = async function (input, init) {
		const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
		if (!isFirestore(url)) return fetch0.call(this, input, init);
		const sentAt = now();
		const body = typeof init?.body === 'string' ? Promise.resolve(init.body) : input instanceof Request ? input.clone().text() : Promise.resolve(null);
		body.then((text) => countRequestBody(url, text, sentAt)).catch(() => {});
		const response = await fetch0.call(this, input, init);
		if (response.body && patternFor(url)) response.body.__bench = { url, text: '', decoder: new TextDecoder() };
		return response;
	};
	const getReader = ReadableStream.prototype.getReader;
	ReadableStream.prototype.getReader = function (...args) {
		const reader = getReader.apply(this, args);
		if (this.__bench) reader.__bench = this.__bench;
		return reader;
	};
	const read = ReadableStreamDefaultReader.prototype.read;
	ReadableStreamDefaultReader.prototype.read = function (...args) {
		const state = this.__bench;
		const result = read.apply(this, args);
		if (!state) return result;
		return result.then((chunk) => {
			try {
				if (chunk.value) {
					state.text += state.decoder.decode(chunk.value, { stream: true });
					countText(state.url, state.text, state);
				}
			} catch {
				/* bookkeeping only */
			}
			return chunk;
		});
	};

	const open = XMLHttpRequest.prototype.open;
	XMLHttpRequest.prototype.open = function (method, url, ...rest) {
		this.__benchUrl = String(url);
		if (isFirestore(this.__benchUrl)) {
			const state = {};
			const onData = () => {
				try {
					countText(this.__benchUrl, this.responseText ?? '', state);
				} catch {
					/* not text */
				}
			};
			this.addEventListener('progress', onData);
			this.addEventListener('readystatechange', onData);
		}
		return open.call(this, method, url, ...rest);
	};
	const send = XMLHttpRequest.prototype.send;
	XMLHttpRequest.prototype.send = function (body) {
		if (isFirestore(this.__benchUrl ?? '')) {
			try {
				countRequestBody(this.__benchUrl, body);
			} catch {
				/* bookkeeping only */
			}
		}
		return send.call(this, body);
	};

	// -- status text, clicks, first remote video frames ---------------------------------
	let lastStatus = null;
	const watched = new WeakSet();
	function scan() {
		const status = document.querySelector('[data-testid="status"]');
		const text = status?.textContent?.trim() ?? null;
		if (text !== lastStatus) {
			lastStatus = text;
			if (text !== null) bench.status.push({ text, t: now() });
		}
		for (const video of document.querySelectorAll('video[data-testid="remote-video"]')) {
			const stream = video.srcObject;
			if (!stream || watched.has(stream) || typeof video.requestVideoFrameCallback !== 'function') continue;
			watched.add(stream);
			const armedAt = now();
			video.requestVideoFrameCallback(() => bench.frames.push({ t: now(), armedAt }));
		}
	}
	new MutationObserver(scan).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
	setInterval(scan, 20); // srcObject changes are not DOM mutations

	document.addEventListener(
		'click',
		(event) => {
			const button = event.target instanceof Element ? event.target.closest('button') : null;
			if (button) bench.clicks.push({ label: button.dataset.testid ?? button.textContent.trim(), t: now() });
		},
		true
	);
})();
