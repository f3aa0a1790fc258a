import { execFileSync } from 'child_process';
import * as path from 'path';

import { env } from './paths';

/**
 * SQL against the SQLite database of an n8n started by the harness (`<userFolder>/.n8n`), running
 * or stopped: how a test makes n8n's own storage misbehave, or writes what n8n reads at start.
 * It goes through the sqlite3 module of the n8n install, built for Node 24, so it runs there.
 */

export function databaseFile(userFolder: string): string {
	return path.join(userFolder, '.n8n', 'database.sqlite');
}

// The request comes on stdin: a statement's parameters (a whole static-data column) can be larger
// than an environment variable may be.
const RUN_SQL = `
const sqlite3 = require('sqlite3');
const request = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const db = new sqlite3.Database(request.file);
db.configure('busyTimeout', 10000);
db.all(request.sql, request.params, (error, rows) => {
	if (error) { console.error(error.message); process.exit(1); }
	process.stdout.write(JSON.stringify(rows ?? []));
	db.close();
});`;

/** Runs one statement (with `?` parameters) and returns the rows it selected. */
export function sqlite<T = Record<string, unknown>>(userFolder: string, sql: string, params: unknown[] = []): T[] {
	const output = execFileSync(env.nodeBinary, ['-e', RUN_SQL], {
		input: JSON.stringify({ file: databaseFile(userFolder), sql, params }),
		env: { ...process.env, NODE_PATH: path.join(env.n8nDir, 'node_modules') },
		encoding: 'utf8',
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	return JSON.parse(output || '[]') as T[];
}

const REFUSE_TRIGGER = 'heygen_e2e_refuse_executions';

/**
 * Until `allowExecutions`, n8n's database refuses every new execution row, as a database that
 * fails under n8n would: n8n's WorkflowRunner.run throws and the webhook request gets a 5xx.
 */
export function refuseExecutions(userFolder: string): void {
	sqlite(
		userFolder,
		`CREATE TRIGGER IF NOT EXISTS ${REFUSE_TRIGGER} BEFORE INSERT ON execution_entity BEGIN SELECT RAISE(ABORT, 'e2e: the database refuses executions'); END`,
	);
}

export function allowExecutions(userFolder: string): void {
	sqlite(userFolder, `DROP TRIGGER IF EXISTS ${REFUSE_TRIGGER}`);
}
