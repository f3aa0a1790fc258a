import * as http from 'http';
import type { AddressInfo } from 'net';

/**
 * A loopback round-robin load balancer, the way users put one in front of n8n's webhook
 * processes: streams every request (any method, OPTIONS included) to the next backend with its
 * headers and body untouched. A backend that fails is skipped for a while (nginx's
 * max_fails/fail_timeout), and that request gets 502, which HeyGen retries.
 */

export interface ProxiedRequest {
	method: string;
	path: string;
	backend: number;
	status: number;
	at: number;
}

export class RoundRobinProxy {
	readonly served: ProxiedRequest[] = [];
	private next = 0;
	private readonly downUntil = new Map<number, number>();
	private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
	private readonly server: http.Server;

	private constructor(
		readonly backends: number[],
		private readonly failTimeoutMs: number,
	) {
		this.server = http.createServer((req, res) => this.forward(req, res));
	}

	/** `backends` are ports on 127.0.0.1; they need not be listening yet. */
	static async start(backends: number[], options: { port?: number; failTimeoutMs?: number } = {}): Promise<RoundRobinProxy> {
		const proxy = new RoundRobinProxy(backends, options.failTimeoutMs ?? 2000);
		await new Promise<void>((resolve, reject) => {
			proxy.server.once('error', reject);
			proxy.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
		});
		return proxy;
	}

	get url(): string {
		return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	/** Requests answered through the given backend, optionally only 2xx ones. */
	answeredBy(backend: number, status?: (code: number) => boolean): ProxiedRequest[] {
		return this.served.filter((request) => request.backend === backend && (!status || status(request.status)));
	}

	private pick(): number {
		const now = Date.now();
		for (let tried = 0; tried < this.backends.length; tried++) {
			const index = this.next++ % this.backends.length;
			if ((this.downUntil.get(index) ?? 0) <= now) return index;
		}
		return this.next++ % this.backends.length; // all down: try anyway
	}

	private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
		const backend = this.pick();
		const record = (status: number) =>
			this.served.push({ method: req.method ?? '', path: req.url ?? '', backend, status, at: Date.now() });
		const upstream = http.request(
			{
				host: '127.0.0.1',
				port: this.backends[backend],
				method: req.method,
				path: req.url,
				headers: req.headers,
				agent: this.agent,
			},
			(answer) => {
				record(answer.statusCode ?? 0);
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', () => {
			this.downUntil.set(backend, Date.now() + this.failTimeoutMs);
			if (res.headersSent) {
				res.destroy();
				return;
			}
			record(502);
			res.writeHead(502, { 'Content-Type': 'text/plain' }).end('Bad Gateway');
		});
		req.pipe(upstream);
	}

	async stop(): Promise<void> {
		this.agent.destroy();
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}
