import axios from 'axios';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { env, N8N_VERSION } from './paths';
import { waitFor } from './wait';

/**
 * One n8n process (`n8n start`, `n8n webhook` or `n8n worker`) of the cached n8n on Node 24,
 * on loopback, logging to a file, ready once `readinessUrl` answers 200.
 */

export interface N8nProcessOptions {
	command: 'start' | 'webhook' | 'worker';
	userFolder: string;
	logFile: string;
	readinessUrl: string;
	env: Record<string, string>;
}

/** The settings every headless test n8n shares: its own folder and ports, no telemetry or update checks. */
export function headlessEnv(userFolder: string, webhookBaseUrl: string): Record<string, string> {
	return {
		PATH: `${path.dirname(env.nodeBinary)}:${process.env.PATH ?? ''}`,
		HOME: userFolder,
		N8N_USER_FOLDER: userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_WEBHOOK_URL: `${webhookBaseUrl}/`,
		WEBHOOK_URL: `${webhookBaseUrl}/`,
		N8N_SECURE_COOKIE: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LOG_LEVEL: 'debug',
		N8N_LOG_OUTPUT: 'console',
		// n8n 1.x installed without install scripts lacks isolated-vm's native part.
		...(N8N_VERSION.startsWith('1.') ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
	};
}

export class N8nProcess {
	private child?: ChildProcess;

	constructor(private options: N8nProcessOptions) {}

	get pid(): number | undefined {
		return this.running ? this.child?.pid : undefined;
	}

	get running(): boolean {
		return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
	}

	get logFile(): string {
		return this.options.logFile;
	}

	logs(): string {
		return fs.existsSync(this.options.logFile) ? fs.readFileSync(this.options.logFile, 'utf8') : '';
	}

	async start(extraEnv: Record<string, string> = {}): Promise<void> {
		this.options = { ...this.options, env: { ...this.options.env, ...extraEnv } };
		const log = fs.openSync(this.options.logFile, 'a');
		const n8nBin = path.join(env.n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');
		const child = spawn(env.nodeBinary, [n8nBin, this.options.command], {
			cwd: this.options.userFolder,
			stdio: ['ignore', log, log],
			env: this.options.env,
		});
		fs.closeSync(log);
		this.child = child;
		let exited = false;
		child.once('exit', () => (exited = true));
		const tail = () => this.logs().slice(-3000);
		await waitFor(
			`n8n ${this.options.command} to start`,
			async () => {
				if (exited) throw new Error(`n8n ${this.options.command} exited during start-up; see ${this.options.logFile}:\n${tail()}`);
				const response = await axios.get(this.options.readinessUrl, { validateStatus: () => true });
				return response.status === 200;
			},
			120_000,
			500,
		).catch((error: Error) => {
			if (exited) throw error;
			throw new Error(`${error.message}\n${tail()}`);
		});
	}

	/** SIGTERM, and SIGKILL after 20 s. */
	async stop(): Promise<void> {
		await this.signal('SIGTERM');
	}

	/** A crash: no shutdown, in-flight requests and unsaved state are lost. */
	async kill(): Promise<void> {
		await this.signal('SIGKILL');
	}

	async restart(extraEnv: Record<string, string> = {}): Promise<void> {
		await this.stop();
		await this.start(extraEnv);
	}

	private async signal(signal: NodeJS.Signals): Promise<void> {
		const child = this.child;
		if (!child || !this.running) return;
		await new Promise<void>((resolve) => {
			const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
			child.once('exit', () => {
				clearTimeout(timer);
				resolve();
			});
			child.kill(signal);
		});
	}
}
