import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import {
	deliveryKeys,
	RECORD_CAPACITY_DELIVERIES,
	REPLAY_WINDOW_SECONDS,
	ScopeRecord,
	type PersistedRecord,
} from '../../nodes/HeyGenTrigger/replayRecord';
import type { N8nClient } from './n8nClient';
import { env } from './paths';
import { waitFor } from './wait';

/**
 * A full replay record, put where n8n reads it, without sending a delivery: the record the
 * HeyGen Trigger would hold after accepting `count` deliveries spread over the last day, built
 * from real delivery bodies with the trigger's own key function and record class, and written into
 * the workflow's static data in n8n's SQLite database while n8n is stopped.
 *
 * n8n 2.41.1 reads static data for every production webhook request from `workflow_entity`
 * (`live-webhooks.js` loads the published version with its workflow row, and the row's
 * `staticData` column comes along; `workflow_history` has no static data), and saves it back
 * there (`workflow-static-data.service.js`, `saveStaticDataById`). The column is TypeORM's
 * `simple-json` on SQLite: JSON text.
 */

/** Seeded deliveries are HeyGen-shaped and reproducible: the body and event id follow from the index. */
export interface SeededDelivery {
	index: number;
	eventId: string;
	body: string;
}

export function seededDelivery(index: number, tag = 'seed'): SeededDelivery {
	const eventId = `evt_${tag}_${String(index).padStart(6, '0')}`;
	const body = JSON.stringify({
		event_type: 'avatar_video.success',
		event_data: {
			video_id: `v_${tag}_${index}`,
			url: `https://files.example/${tag}/${index}.mp4`,
			callback_id: null,
			event_id: eventId,
		},
	});
	return { index, eventId, body };
}

export interface SeedOptions {
	/** Deliveries in the record; the trigger's capacity by default (a full record). */
	count?: number;
	/** Unix seconds; the newest delivery was accepted then. */
	now?: number;
	/**
	 * How far back the oldest delivery lies. Within the 24 h window, one hour short of it by
	 * default, so that no seeded key expires in the hour after seeding (a bench run, a test).
	 */
	spanSeconds?: number;
	/** Keeps the deliveries of different seeds apart. */
	tag?: string;
}

/** When seeded delivery `index` (0 = the oldest) was accepted: evenly spread over the span. */
export function seededAcceptedAt(index: number, { count = RECORD_CAPACITY_DELIVERIES, now = Math.floor(Date.now() / 1000), spanSeconds = REPLAY_WINDOW_SECONDS - 3600 }: SeedOptions = {}): number {
	if (spanSeconds >= REPLAY_WINDOW_SECONDS) throw new Error(`a seeded record must lie within the ${REPLAY_WINDOW_SECONDS} s window`);
	return now - Math.floor(((count - 1 - index) * spanSeconds) / Math.max(1, count - 1));
}

/** The record as the trigger persists it after accepting seeded deliveries 0..count-1, oldest first. */
export function buildSeededRecord(options: SeedOptions = {}): PersistedRecord {
	const count = options.count ?? RECORD_CAPACITY_DELIVERIES;
	const record = new ScopeRecord();
	for (let index = 0; index < count; index++) {
		const { eventId, body } = seededDelivery(index, options.tag);
		record.claim(deliveryKeys(eventId, Buffer.from(body)), seededAcceptedAt(index, options));
	}
	return record.toPersisted();
}

/** A record with nothing in it, as the trigger writes one. */
export const EMPTY_RECORD: PersistedRecord = { v: 1, hours: {} };

/** The SQLite file of an n8n user folder (N8nInstance.userFolder). */
export function databaseFile(userFolder: string): string {
	return path.join(userFolder, '.n8n', 'database.sqlite');
}

export interface WrittenRecord {
	/** Length of the `staticData` column's JSON text after the write. */
	staticDataBytes: number;
	/** Length of the record's own JSON. */
	recordBytes: number;
}

// Runs under the cached Node 24, whose ABI the n8n install's sqlite3 was built for. Reads the
// column, replaces only the node's `replay`, and refuses a node without a registered endpoint.
const WRITE_SCRIPT = `
const sqlite3 = require('sqlite3');
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const db = new sqlite3.Database(input.file, sqlite3.OPEN_READWRITE);
const fail = (error) => { console.error(String(error && error.message || error)); process.exit(1); };
db.get('SELECT staticData FROM workflow_entity WHERE id = ?', [input.workflowId], (error, row) => {
	if (error) return fail(error);
	if (!row) return fail('no workflow ' + input.workflowId + ' in ' + input.file);
	const staticData = row.staticData ? JSON.parse(row.staticData) : {};
	const node = staticData[input.nodeKey];
	if (!node || !node.endpointId || !node.sealedSecret) return fail(input.nodeKey + ' has no registered endpoint in static data: publish the workflow and let it save before seeding');
	node.replay = input.record;
	delete node.accepted;
	const text = JSON.stringify(staticData);
	db.run('UPDATE workflow_entity SET staticData = ? WHERE id = ?', [text, input.workflowId], function (error) {
		if (error) return fail(error);
		if (this.changes !== 1) return fail('updated ' + this.changes + ' rows');
		db.close((error) => (error ? fail(error) : console.log(JSON.stringify({ staticDataBytes: text.length }))));
	});
});
`;

/**
 * Waits until a published trigger's create() has run and n8n has saved what it stored (the
 * endpoint id and the sealed secret): what seeding keeps. Returns that entry of static data.
 */
export async function waitForRegisteredEndpoint(n8n: N8nClient, workflowId: string, nodeName: string): Promise<Record<string, unknown>> {
	return await waitFor(`the registered endpoint in the static data of workflow ${workflowId}`, async () => {
		const node = (await n8n.getWorkflow(workflowId)).staticData?.[`node:${nodeName}`];
		return node?.endpointId && node.sealedSecret ? node : undefined;
	});
}

/**
 * Writes `record` as the replay record of trigger node `nodeName` in workflow `workflowId`,
 * keeping the endpoint id and sealed secret stored there. n8n must be stopped: a running n8n
 * would overwrite the column with its own copy on its next save.
 */
export function writeReplayRecord(userFolder: string, workflowId: string, nodeName: string, record: PersistedRecord): WrittenRecord {
	const file = databaseFile(userFolder);
	if (!fs.existsSync(file)) throw new Error(`no n8n database at ${file}`);
	const output = execFileSync(env.nodeBinary, ['-e', WRITE_SCRIPT], {
		input: JSON.stringify({ file, workflowId, nodeKey: `node:${nodeName}`, record }),
		env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(env.n8nDir, 'node_modules') },
		encoding: 'utf8',
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	const { staticDataBytes } = JSON.parse(output.trim().split('\n').pop() as string) as { staticDataBytes: number };
	return { staticDataBytes, recordBytes: JSON.stringify(record).length };
}
