import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { N8nClient } from './n8nClient';
import { headlessEnv, N8nProcess } from './n8nProcess';
import { env } from './paths';
import { installIntoUserFolder } from './prepare';
import { RoundRobinProxy } from './proxy';
import { Postgres, provisionServices, Redis } from './services';
import { freePort } from './wait';

/**
 * n8n's scale-out ("queue mode"): PostgreSQL, Redis, a main process that
 * activates workflows (production webhooks off), `n8n webhook` processes behind a round-robin
 * proxy that N8N_WEBHOOK_URL points at, and one `n8n worker`. All share one user folder (the
 * package installed once) and one encryption key.
 */

export interface WebhookProcess {
	name: string;
	port: number;
	/** The process itself, around the proxy: for "one copy per process". */
	url: string;
	process: N8nProcess;
}

export interface QueueClusterOptions {
	webhookProcesses?: number;
	/** Added to every n8n process's environment. */
	extraEnv?: Record<string, string>;
}

export class QueueCluster {
	private constructor(
		readonly folder: string,
		readonly postgres: Postgres,
		readonly redis: Redis,
		readonly proxy: RoundRobinProxy,
		readonly main: N8nProcess,
		readonly webhooks: WebhookProcess[],
		readonly worker: N8nProcess,
		/** Main's APIs; its webhook URLs go through the proxy. */
		readonly n8n: N8nClient,
	) {}

	static async start(options: QueueClusterOptions = {}): Promise<QueueCluster> {
		const binaries = provisionServices();
		const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-heygen-queue-'));
		const userFolder = path.join(folder, 'n8n');
		fs.mkdirSync(userFolder);
		installIntoUserFolder(userFolder, env.tarball);
		const [postgres, redis] = await Promise.all([Postgres.start(binaries), Redis.start(binaries)]);

		const webhookPorts = await Promise.all(Array.from({ length: options.webhookProcesses ?? 2 }, () => freePort()));
		const proxy = await RoundRobinProxy.start(webhookPorts);
		const shared: Record<string, string> = {
			...headlessEnv(userFolder, proxy.url),
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: postgres.database,
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: postgres.password,
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
			...options.extraEnv,
		};
		const logFile = (name: string) => path.join(folder, `${name}.log`);

		const mainPort = await freePort();
		const mainUrl = `http://127.0.0.1:${mainPort}`;
		const main = new N8nProcess({
			command: 'start',
			userFolder,
			logFile: logFile('main'),
			readinessUrl: `${mainUrl}/healthz/readiness`,
			env: {
				...shared,
				N8N_PORT: String(mainPort),
				N8N_EDITOR_BASE_URL: `${mainUrl}/`,
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			},
		});
		const webhooks: WebhookProcess[] = [];
		for (const [index, port] of webhookPorts.entries()) {
			const name = `webhook-${index + 1}`;
			const url = `http://127.0.0.1:${port}`;
			const webhookProcess = new N8nProcess({
				command: 'webhook',
				userFolder,
				logFile: logFile(name),
				readinessUrl: `${url}/healthz/readiness`,
				env: {
					...shared,
					N8N_PORT: String(port),
					N8N_RUNNERS_BROKER_PORT: String(await freePort()),
					N8N_EVENTBUS_LOGWRITER_LOGBASENAME: `n8nEventLog-${name}`,
				},
			});
			webhooks.push({ name, port, url, process: webhookProcess });
		}
		const workerPort = await freePort();
		const worker = new N8nProcess({
			command: 'worker',
			userFolder,
			logFile: logFile('worker'),
			readinessUrl: `http://127.0.0.1:${workerPort}/healthz/readiness`,
			env: {
				...shared,
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(workerPort),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				N8N_EVENTBUS_LOGWRITER_LOGBASENAME: 'n8nEventLog-worker',
			},
		});
		const cluster = new QueueCluster(
			folder, postgres, redis, proxy, main, webhooks, worker, new N8nClient(mainUrl, proxy.url),
		);
		try {
			// Main migrates the database first; the others then boot against it. The webhook
			// processes must be up before any activation: HeyGen's probe goes through them.
			await main.start();
			await Promise.all([...webhooks.map((webhook) => webhook.process.start()), worker.start()]);
			await cluster.n8n.setUpOwner();
		} catch (error) {
			await cluster.stop();
			throw error;
		}
		return cluster;
	}

	/** The same webhook URL, but straight to one webhook process. */
	via(index: number, proxiedUrl: string): string {
		return proxiedUrl.replace(this.proxy.url, this.webhooks[index].url);
	}

	/** Every process's log, by name: n8n's four plus PostgreSQL's and Redis's. */
	logs(): Record<string, string> {
		return {
			main: this.main.logs(),
			...Object.fromEntries(this.webhooks.map((webhook) => [webhook.name, webhook.process.logs()])),
			worker: this.worker.logs(),
			postgres: this.postgres.logs(),
			redis: this.redis.logs(),
		};
	}

	async stop(): Promise<void> {
		await Promise.all([this.main, ...this.webhooks.map((webhook) => webhook.process), this.worker].map((member) => member.stop()));
		await this.proxy.stop();
		await Promise.all([this.postgres.stop(), this.redis.stop()]);
		if (!process.env.HEYGEN_E2E_KEEP) fs.rmSync(this.folder, { recursive: true, force: true });
	}
}
