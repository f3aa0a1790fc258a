// The one HTTP receiver of the tests and tools: records every request with its raw bytes and
// answers according to a swappable handler (webhook deliveries, HeyGen's OPTIONS probe, stand-ins
// for other services).
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
	method: string;
	path: string;
	headers: IncomingHttpHeaders;
	raw: Buffer;
	at: number;
}

/** What to answer: a status (+ body, default Content-Type text/plain), or 'hang' to never answer, or 'reset' to drop the socket. */
export type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang' | 'reset';
export type Handler = (req: Received, index: number) => Reply | Promise<Reply>;

export interface Receiver {
	/** `<base>/hook`; the receiver answers on any path. */
	url: string;
	/** e.g. http://127.0.0.1:4321 */
	base: string;
	requests: Received[];
	posts(): Received[];
	setHandler(handler: Handler): void;
	/** Resolves once `count` requests matching `filter` have arrived. */
	waitFor(count: number, filter?: (r: Received) => boolean, timeoutMs?: number): Promise<Received[]>;
	close(): Promise<void>;
}

export const okHandler: Handler = () => ({ status: 200, body: 'ok' });

export async function startReceiver(initial: Handler = okHandler): Promise<Receiver> {
	let handler = initial;
	const requests: Received[] = [];
	const waiters = new Set<() => void>();
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const received: Received = {
				method: req.method ?? '',
				path: req.url ?? '',
				headers: req.headers,
				raw: Buffer.concat(chunks),
				at: Date.now(),
			};
			requests.push(received);
			const index = requests.length - 1;
			for (const w of waiters) w();
			void Promise.resolve(handler(received, index)).then((reply) => {
				if (reply === 'hang') return;
				if (reply === 'reset') {
					req.socket.destroy();
					return;
				}
				res.writeHead(reply.status, { 'Content-Type': 'text/plain', ...reply.headers });
				res.end(reply.body ?? '');
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/hook`,
		base: `http://127.0.0.1:${port}`,
		requests,
		posts: () => requests.filter((r) => r.method === 'POST'),
		setHandler: (h) => {
			handler = h;
		},
		waitFor: (count, filter = () => true, timeoutMs = 5000) =>
			new Promise((resolve, reject) => {
				const check = (): void => {
					const matching = requests.filter(filter);
					if (matching.length >= count) {
						waiters.delete(check);
						clearTimeout(timer);
						resolve(matching);
					}
				};
				const timer = setTimeout(() => {
					waiters.delete(check);
					reject(new Error(`receiver: expected ${count} requests, got ${requests.filter(filter).length}`));
				}, timeoutMs);
				waiters.add(check);
				check();
			}),
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** Receivers a test file starts as it needs them, closed together (after each test, say). */
export function receiverPool(): { start: (initial?: Handler) => Promise<Receiver>; closeAll: () => Promise<void> } {
	const open: Receiver[] = [];
	return {
		start: async (initial) => {
			const receiver = await startReceiver(initial);
			open.push(receiver);
			return receiver;
		},
		closeAll: async () => {
			await Promise.all(open.splice(0).map((receiver) => receiver.close()));
		},
	};
}
