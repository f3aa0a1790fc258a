import { randomUUID } from 'crypto';

import { HeyGenSandbox } from '../../dev/heygen-sandbox/server';
import { afterMarker, createTriggerWorkflow, deliver, TRIGGER_NAME, triggerEventId, waitForEndpoints } from '../../dev/n8n/heygen';
import { N8nInstance, waitFor } from '../../dev/n8n/n8n';
import { buildSeededRecord, seededDelivery, waitForRegisteredEndpoint, writeReplayRecord, type SeededKind } from '../../dev/n8n/seedRecord';
import { RECORD_CAPACITY_DELIVERIES } from '../../nodes/HeyGenTrigger/replayRecord';

/**
 * A full replay record (20,000 deliveries within 24 h) seeded into a published trigger's static
 * data through n8n's database while n8n is stopped, as the bench does: n8n reads it, every seeded
 * delivery replayed is answered as a duplicate and starts nothing, and so after another restart.
 */

const API_KEY = 'sk_sandbox_full_record_0123456789';
const STATIC_KEY = `node:${TRIGGER_NAME}`;

// The oldest hours, the newest, and some in between: 20 of the seeded deliveries. Not the two
// very oldest: the record is full, so each accepted marker below pushes the oldest seeded delivery
// out (the README's "past that the oldest are forgotten first").
const SAMPLE = [
	2, 3, 4, 400, 833, 1700, 2600, 5000, 7777, 9999, 10_000, 12_345, 15_000, 17_500, 19_000, 19_600, 19_996, 19_997,
	19_998, 19_999,
];

describe('HeyGen Trigger with a full replay record seeded through n8n\'s database', () => {
	let sandbox: HeyGenSandbox;
	let n8n: N8nInstance;

	beforeAll(async () => {
		sandbox = await HeyGenSandbox.start({ apiKeys: [API_KEY] });
		n8n = await N8nInstance.start();
	});

	afterAll(async () => {
		await n8n?.dispose();
		await sandbox?.stop();
	});

	// Video events take one key each (160 KB); events that end no job take two (320 KB, 40,000 keys: the record's capacity).
	it.each([
		['video events', 'job', 1],
		['events that end no job', 'plain', 2],
	] as Array<[string, SeededKind, number]>)('%s: replays of seeded deliveries (oldest to newest) are duplicates and run nothing, before and after a restart', async (_name, kind, keysPerDelivery) => {
		const credential = await n8n.createCredential({ apiKey: API_KEY, baseUrl: sandbox.url });
		const workflow = await createTriggerWorkflow(n8n, credential);
		await n8n.activate(workflow.id);
		const [endpoint] = await waitForEndpoints(sandbox, API_KEY, workflow.url, 1);
		const secret = endpoint.secret as string;
		const registered = await waitForRegisteredEndpoint(n8n, workflow.id, TRIGGER_NAME);

		await n8n.stop();
		const written = writeReplayRecord(n8n.userFolder, workflow.id, TRIGGER_NAME, buildSeededRecord({ kind }));
		expect(written.recordBytes).toBeGreaterThan(keysPerDelivery * RECORD_CAPACITY_DELIVERIES * 8);
		await n8n.bootAgain();
		await waitFor('the trigger to answer', async () => (await deliver(workflow.url, { body: '{}', signature: null })).status === 401);

		const stored = (await n8n.getWorkflow(workflow.id)).staticData?.[STATIC_KEY] as Record<string, unknown>;
		expect(stored.endpointId).toBe(registered.endpointId);
		expect(stored.sealedSecret).toBe(registered.sealedSecret);
		expect(Object.values((stored.replay as { hours: Record<string, string> }).hours).join('').length).toBe(
			keysPerDelivery * RECORD_CAPACITY_DELIVERIES * 8,
		);

		/** Replays the sample, signed with fresh headers: half under their event id (a HeyGen retry), half under a fresh one (a captured body). */
		const replaySample = async () => {
			for (const [i, index] of SAMPLE.entries()) {
				const { body, eventId } = seededDelivery(index, 'seed', kind);
				const answer = await deliver(workflow.url, { body, secret, eventId: i % 2 === 0 ? eventId : `evt_${randomUUID()}` });
				expect({ index, status: answer.status, data: answer.data }).toEqual({
					index,
					status: 200,
					data: { received: true, ignored: 'duplicate' },
				});
			}
		};

		await replaySample();
		const first = await afterMarker(n8n, workflow, secret);
		expect(first).toHaveLength(1); // the marker alone

		await n8n.restart();
		await replaySample();
		const second = await afterMarker(n8n, workflow, secret);
		expect(second).toHaveLength(2); // the two markers
		expect(second.map(triggerEventId)).not.toContain(undefined);
		await n8n.deactivate(workflow.id);
	}, 240_000);
});
