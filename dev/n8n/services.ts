import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { PROJECT_ROOT } from './paths';
import { freePort, waitFor } from './wait';

/**
 * PostgreSQL and Redis for queue mode: Debian's binaries (scripts/provision-services.sh installs
 * them when missing), each on a free loopback port with its data in a throw-away folder.
 */

export interface ServiceBinaries {
	pgBin: string;
	redisServer: string;
}

export function provisionServices(): ServiceBinaries {
	const output = execFileSync('bash', [path.join(PROJECT_ROOT, 'scripts', 'provision-services.sh')], {
		stdio: ['ignore', 'pipe', 'inherit'],
		encoding: 'utf8',
	});
	const value = (name: string) => {
		const line = output.split('\n').find((candidate) => candidate.startsWith(`${name}=`));
		if (!line) throw new Error(`scripts/provision-services.sh printed no ${name}:\n${output}`);
		return line.slice(name.length + 1).trim();
	};
	return { pgBin: value('PG_BIN'), redisServer: value('REDIS_SERVER') };
}

/** The account initdb and the server run as: they refuse root. Undefined when not root. */
function postgresAccount(): { uid: number; gid: number } | undefined {
	if (process.getuid?.() !== 0) return undefined;
	const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
	return { uid, gid };
}

async function exited(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	await new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

export class Postgres {
	readonly database = 'postgres';
	readonly user = 'postgres';
	// initdb --auth=trust: any password is accepted on loopback; n8n insists on having one.
	readonly password = 'n8n-queue-test';

	private constructor(
		readonly folder: string,
		readonly port: number,
		private readonly child: ChildProcess,
		private readonly pgBin: string,
	) {}

	static async start(binaries: ServiceBinaries): Promise<Postgres> {
		const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-heygen-postgres-'));
		const account = postgresAccount();
		if (account) fs.chownSync(folder, account.uid, account.gid);
		const data = path.join(folder, 'data');
		const asAccount = { ...(account ?? {}), cwd: folder, env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8' } };
		execFileSync(
			path.join(binaries.pgBin, 'initdb'),
			['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
			{ ...asAccount, stdio: ['ignore', 'ignore', 'pipe'] },
		);
		const port = await freePort();
		const log = fs.openSync(path.join(folder, 'postgres.log'), 'a');
		// Throw-away data: durability settings off; the socket lives in the folder, not /run.
		const child = spawn(
			path.join(binaries.pgBin, 'postgres'),
			['-D', data, '-p', String(port), '-k', folder, '-c', 'listen_addresses=127.0.0.1',
				'-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
			{ ...asAccount, stdio: ['ignore', log, log] },
		);
		fs.closeSync(log);
		const postgres = new Postgres(folder, port, child, binaries.pgBin);
		// postmaster.pid's eighth line says "ready" once connections are accepted.
		await waitFor('PostgreSQL to accept connections', () => {
			if (child.exitCode !== null) throw new Error(`postgres exited:\n${postgres.logs()}`);
			const pidFile = path.join(data, 'postmaster.pid');
			return fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').split('\n')[7]?.trim() === 'ready';
		}, 30_000, 100);
		return postgres;
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	/** Runs SQL with psql over loopback; returns its unaligned output. */
	query(sql: string): string {
		return execFileSync(
			path.join(this.pgBin, 'psql'),
			['-h', '127.0.0.1', '-p', String(this.port), '-U', this.user, '-d', this.database, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql],
			{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
		);
	}

	logs(): string {
		const file = path.join(this.folder, 'postgres.log');
		return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
	}

	/** "Fast" shutdown by pid (SIGINT), then the folder goes. */
	async stop(): Promise<void> {
		this.child.kill('SIGINT');
		await exited(this.child);
		if (!process.env.HEYGEN_E2E_KEEP) fs.rmSync(this.folder, { recursive: true, force: true });
	}
}

export class Redis {
	private constructor(
		readonly folder: string,
		readonly port: number,
		private readonly child: ChildProcess,
	) {}

	static async start(binaries: ServiceBinaries): Promise<Redis> {
		const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-heygen-redis-'));
		const port = await freePort();
		const child = spawn(
			binaries.redisServer,
			['--port', String(port), '--bind', '127.0.0.1', '--dir', folder, '--save', '', '--appendonly', 'no',
				'--logfile', path.join(folder, 'redis.log')],
			{ cwd: folder, stdio: 'ignore' },
		);
		const redis = new Redis(folder, port, child);
		await waitFor('Redis to answer PING', async () => {
			if (child.exitCode !== null) throw new Error(`redis-server exited:\n${redis.logs()}`);
			return (await redis.ping()) === '+PONG';
		}, 30_000, 100);
		return redis;
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	logs(): string {
		const file = path.join(this.folder, 'redis.log');
		return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
	}

	private async ping(): Promise<string> {
		return await new Promise((resolve, reject) => {
			const socket = net.connect(this.port, '127.0.0.1', () => socket.write('PING\r\n'));
			socket.once('data', (data) => {
				socket.destroy();
				resolve(data.toString().trim());
			});
			socket.once('error', reject);
		});
	}

	async stop(): Promise<void> {
		this.child.kill('SIGTERM');
		await exited(this.child);
		if (!process.env.HEYGEN_E2E_KEEP) fs.rmSync(this.folder, { recursive: true, force: true });
	}
}
