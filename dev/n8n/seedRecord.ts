import * as fs from 'fs';

import { keysOf } from '../../nodes/HeyGenTrigger/deliveryDecision';
import { parseDelivery } from '../../nodes/shared/deliveryItem';
import {
	RECORD_CAPACITY_DELIVERIES,
	REPLAY_WINDOW_SECONDS,
	ScopeRecord,
	type PersistedRecord,
} from '../../nodes/HeyGenTrigger/replayRecord';
import type { N8nClient } from './n8nClient';
import { databaseFile, sqlite } from './database';
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

/**
 * `job`: an avatar video's success, as HeyGen sends most events (the trigger keeps one key: the
 * job's outcome). `plain`: an event that ends no job, a photo avatar group trained (two keys: its
 * body and its event id), the record's worst case.
 */
export type SeededKind = 'job' | 'plain';

export function seededDelivery(index: number, tag = 'seed', kind: SeededKind = 'job'): SeededDelivery {
	const eventId = `evt_${tag}_${String(index).padStart(6, '0')}`;
	const body = JSON.stringify(
		kind === 'job'
			? {
					event_type: 'avatar_video.success',
					event_data: { video_id: `v_${tag}_${index}`, url: `https://files.example/${tag}/${index}.mp4`, callback_id: null, event_id: eventId },
				}
			: { event_type: 'photo_avatar_train.success', event_data: { group_id: `g_${tag}_${index}`, event_id: eventId } },
	);
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
	kind?: SeededKind;
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
		const { eventId, body } = seededDelivery(index, options.tag, options.kind);
		const raw = Buffer.from(body);
		record.claim(keysOf(eventId, raw, parseDelivery(raw)!), seededAcceptedAt(index, options));
	}
	return record.toPersisted();
}

/** A record with nothing in it, as the trigger writes one. */
export const EMPTY_RECORD: PersistedRecord = { v: 1, hours: {} };

export interface WrittenRecord {
	/** Length of the `staticData` column's JSON text after the write. */
	staticDataBytes: number;
	/** Length of the record's own JSON. */
	recordBytes: number;
}

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
	const [row] = sqlite<{ staticData: string | null }>(userFolder, 'SELECT staticData FROM workflow_entity WHERE id = ?', [workflowId]);
	if (!row) throw new Error(`no workflow ${workflowId} in ${file}`);
	const staticData = row.staticData ? (JSON.parse(row.staticData) as Record<string, Record<string, unknown>>) : {};
	const node = staticData[`node:${nodeName}`];
	if (!node?.endpointId || !node.sealedSecret || !node.recordId) {
		throw new Error(`node:${nodeName} has no registered endpoint in static data: publish the workflow and let it save before seeding`);
	}
	node.replay = record;
	const text = JSON.stringify(staticData);
	sqlite(userFolder, 'UPDATE workflow_entity SET staticData = ? WHERE id = ?', [text, workflowId]);
	return { staticDataBytes: text.length, recordBytes: JSON.stringify(record).length };
}
