import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { N8nClient } from './n8nClient';
import { headlessEnv, N8nProcess } from './n8nProcess';
import { env } from './paths';
import { installIntoUserFolder } from './prepare';
import { freePort } from './wait';

export * from './n8nClient';
export { freePort, sleep, waitFor } from './wait';

/**
 * A real n8n (the cached 2.41.1 on Node 24) on loopback, with a throw-away user folder, SQLite,
 * and this package installed from its packed tarball as a community package.
 */
export class N8nInstance extends N8nClient {
	private constructor(
		readonly userFolder: string,
		readonly port: number,
		private readonly process?: N8nProcess,
	) {
		super(`http://127.0.0.1:${port}`);
	}

	/**
	 * `userFolder` keeps n8n's database between runs (`npm start`); by default a throw-away
	 * folder is used. `port` defaults to a free one.
	 */
	static async start(
		extraEnv: Record<string, string> = {},
		options: { userFolder?: string; port?: number } = {},
	): Promise<N8nInstance> {
		const userFolder = options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-heygen-e2e-'));
		fs.mkdirSync(userFolder, { recursive: true });
		installIntoUserFolder(userFolder, env.tarball);
		const port = options.port ?? (await freePort());
		const baseUrl = `http://127.0.0.1:${port}`;
		const process = new N8nProcess({
			command: 'start',
			userFolder,
			logFile: N8nInstance.logFileIn(userFolder),
			readinessUrl: `${baseUrl}/healthz/readiness`,
			env: {
				...headlessEnv(userFolder, baseUrl),
				N8N_PORT: String(port),
				N8N_EDITOR_BASE_URL: `${baseUrl}/`,
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
				DB_TYPE: 'sqlite',
				...extraEnv,
			},
		});
		const instance = new N8nInstance(userFolder, port, process);
		await process.start();
		await instance.setUpOwner();
		return instance;
	}

	/** An n8n someone else started (`npm start`): logs in as the owner; stop() leaves it running. */
	static async attach(port: number, userFolder: string): Promise<N8nInstance> {
		const instance = new N8nInstance(userFolder, port);
		await instance.setUpOwner();
		return instance;
	}

	/** Where n8n writes its log (stdout and stderr): `n8n.log` in the user folder. */
	static logFileIn(userFolder: string): string {
		return path.join(userFolder, 'n8n.log');
	}

	get logFile(): string {
		return N8nInstance.logFileIn(this.userFolder);
	}

	logs(): string {
		return this.process?.logs() ?? '';
	}

	/** n8n's main process while it runs (its task runner is a child of it). */
	get pid(): number | undefined {
		return this.process?.pid;
	}

	async stop(): Promise<void> {
		await this.process?.stop();
	}

	/** Stops and starts n8n on the same user folder (database, static data and API key survive). */
	async restart(extraEnv: Record<string, string> = {}): Promise<void> {
		await this.process?.restart(extraEnv);
		await this.login();
	}

	/** A crash: SIGKILL, no shutdown of any kind. */
	async kill(): Promise<void> {
		await this.process?.kill();
	}

	/** Starts n8n again after kill() or stop(), on the same user folder; `extraEnv` is kept for later starts. */
	async bootAgain(extraEnv: Record<string, string> = {}): Promise<void> {
		await this.process?.start(extraEnv);
		await this.login();
	}

	async dispose(): Promise<void> {
		await this.stop();
		if (!process.env.HEYGEN_E2E_KEEP) fs.rmSync(this.userFolder, { recursive: true, force: true });
	}
}
