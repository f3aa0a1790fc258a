// Outgoing HTTP (OPTIONS probes and webhook deliveries). Never rejects: every failure becomes a
// described result, because both callers record failures rather than throw them.
import http from 'node:http';
import https from 'node:https';

export const USER_AGENT = 'HeyGen-Webhooks-Sandbox';

export interface OutboundRequest {
	url: URL;
	method: string;
	headers: Record<string, string>;
	body?: string;
	timeoutMs: number;
	signal?: AbortSignal;
}

export interface OutboundResult {
	status: number | null;
	error: string | null;
	body: string;
	durationMs: number;
	timedOut: boolean;
}

function describe(err: unknown): string {
	if (err instanceof Error) {
		const code = (err as NodeJS.ErrnoException).code;
		return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
	}
	return String(err);
}

export function sendRequest(request: OutboundRequest): Promise<OutboundResult> {
	const started = Date.now();
	const transport = request.url.protocol === 'https:' ? https : http;
	return new Promise((resolve) => {
		let settled = false;
		const finish = (r: Omit<OutboundResult, 'durationMs'>): void => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			request.signal?.removeEventListener('abort', onAbort);
			resolve({ ...r, durationMs: Date.now() - started });
		};
		// agent: false: one connection per request, so no pooled socket outlives a test receiver.
		const req = transport.request(
			request.url,
			{ method: request.method, headers: request.headers, agent: false },
			(res) => {
				const chunks: Buffer[] = [];
				let kept = 0;
				res.on('data', (chunk: Buffer) => {
					if (kept < 4096) {
						chunks.push(chunk);
						kept += chunk.length;
					}
				});
				res.on('end', () =>
					finish({
						status: res.statusCode ?? null,
						error: null,
						body: Buffer.concat(chunks).toString('utf8').slice(0, 500),
						timedOut: false,
					}),
				);
				res.on('error', (err) =>
					finish({ status: res.statusCode ?? null, error: describe(err), body: '', timedOut: false }),
				);
			},
		);
		// The whole exchange must finish in time (HeyGen: answer within 10 s), not just the connect.
		const timer = setTimeout(() => {
			finish({
				status: null,
				error: `timeout: no answer within ${request.timeoutMs} ms`,
				body: '',
				timedOut: true,
			});
			req.destroy();
		}, request.timeoutMs);
		req.on('error', (err) => finish({ status: null, error: describe(err), body: '', timedOut: false }));
		// One listener per request, removed when it settles: the signal is shared by every
		// request of a sandbox, and Node's own `signal` option left listeners behind.
		function onAbort(): void {
			finish({ status: null, error: 'aborted: sandbox stopping', body: '', timedOut: false });
			req.destroy();
		}
		if (request.signal?.aborted) onAbort();
		else request.signal?.addEventListener('abort', onAbort, { once: true });
		req.end(request.body);
	});
}
