/**
 * `npm run bench`: figures, not pass/fail. Micro-benchmarks of the per-delivery work the trigger
 * does (signature check, replay guard), the size of its persisted record, with `-- --n8n`
 * the webhook throughput inside a real n8n next to n8n's own Webhook node, and with `-- --queue`
 * one webhook process against two in queue mode (dev/bench/queue.ts). Loopback only, bounded.
 */
import axios from 'axios';
import { randomUUID } from 'crypto';

import { computeSignature, verifySignature } from '../../nodes/shared/signature';
import { deliveryKeys, RECORD_CAPACITY_DELIVERIES, ScopeRecord } from '../../nodes/HeyGenTrigger/replayRecord';
import { openSecret, sealSecret } from '../../nodes/HeyGenTrigger/sealedSecret';
import { HeyGenSandbox, signBody } from '../heygen-sandbox/server';
import { createTriggerWorkflow, waitForEndpoints } from '../n8n/heygen';
import { N8nInstance, waitFor } from '../n8n/n8n';
import { buildAndPack, provisionN8n } from '../n8n/prepare';
import { queueBenchmarks } from './queue';

function time(label: string, iterations: number, fn: (i: number) => void): void {
	for (let i = 0; i < Math.min(1000, iterations); i++) fn(i); // warm-up
	const start = process.hrtime.bigint();
	for (let i = 0; i < iterations; i++) fn(i);
	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	console.log(`${label.padEnd(52)} ${Math.round(iterations / seconds).toLocaleString('en').padStart(12)} ops/s`);
}

function microBenchmarks(): void {
	const secret = 'whsec_benchmark_secret';
	const body = Buffer.from(JSON.stringify({ event_type: 'avatar_video.success', event_data: { video_id: 'x'.repeat(32), url: `https://files.heygen.ai/${'y'.repeat(900)}` } }));
	const signature = computeSignature(body, secret);
	const now = Math.floor(Date.now() / 1000);
	console.log(`body ${body.length} bytes`);
	time('verifySignature, genuine (1 KB body)', 100_000, () =>
		verifySignature({ rawBody: body, secret, signature, timestamp: String(now), toleranceSeconds: 300, nowSeconds: now }),
	);
	time('verifySignature, forged (1 KB body)', 100_000, () =>
		verifySignature({ rawBody: body, secret, signature: 'f'.repeat(64), timestamp: String(now), toleranceSeconds: 300, nowSeconds: now }),
	);

	// The record's work for one accepted delivery, as in webhook(): parse the stored copy n8n
	// loaded, fold it in, check, claim, and serialise what n8n writes back. Empty vs full record,
	// as the median of 7 interleaved rounds.
	const perDelivery = (deliveries: number) => {
		const record = new ScopeRecord();
		for (let i = 0; i < deliveries; i++) record.claim(deliveryKeys(`evt_${i}`, Buffer.from(String(i))), now - (i % 20) * 3600);
		let stored = JSON.stringify(record.toPersisted());
		let n = deliveries;
		return {
			bytes: stored.length,
			run: () => {
				const loaded = JSON.parse(stored);
				record.absorb(loaded, now);
				const keys = deliveryKeys(`evt_${n}`, Buffer.from(String(n++)));
				if (!record.isDuplicate(keys)) record.claim(keys, now);
				stored = JSON.stringify(record.toPersisted());
			},
		};
	};
	const rates: Record<string, number[]> = { empty: [], full: [] };
	let fullBytes = 0;
	for (let round = 0; round < 7; round++) {
		const states = { empty: perDelivery(0), full: perDelivery(RECORD_CAPACITY_DELIVERIES) };
		fullBytes = states.full.bytes;
		for (const [name, state] of Object.entries(states)) {
			const start = process.hrtime.bigint();
			for (let i = 0; i < 2000; i++) state.run();
			rates[name].push(2000 / (Number(process.hrtime.bigint() - start) / 1e9));
		}
	}
	const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
	for (const name of ['empty', 'full'] as const) {
		const sorted = [...rates[name]].sort((a, b) => a - b);
		console.log(
			`${`replay record per accepted delivery, ${name}`.padEnd(52)} ${Math.round(median(sorted)).toLocaleString('en').padStart(12)} ops/s (range ${Math.round(sorted[0]).toLocaleString('en')}–${Math.round(sorted[sorted.length - 1]).toLocaleString('en')})`,
		);
	}
	console.log(`${`replay record in static data, ${RECORD_CAPACITY_DELIVERIES.toLocaleString('en')} deliveries`.padEnd(52)} ${fullBytes.toLocaleString('en').padStart(12)} bytes`);
	const sealed = sealSecret(secret, 'hg_api_key', 'workflow:node');
	time('openSecret (once per process and secret)', 20_000, () => openSecret(sealed, 'hg_api_key', 'workflow:node'));
}

async function fire(url: string, count: number, concurrency: number, request: () => { body: string; headers: Record<string, string> }) {
	let sent = 0;
	const statuses: Record<number, number> = {};
	const start = Date.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (sent < count) {
				sent++;
				const { body, headers } = request();
				const response = await axios.post(url, body, { headers, validateStatus: () => true, transformRequest: [(d: unknown) => d] });
				statuses[response.status] = (statuses[response.status] ?? 0) + 1;
			}
		}),
	);
	return { perSecond: count / ((Date.now() - start) / 1000), statuses };
}

// The expression engine dominates webhook cost: N8N_EXPRESSION_ENGINE* from the shell pass through.
function engineEnv(): Record<string, string> {
	return Object.fromEntries(
		Object.entries(process.env).filter(([name]) => name.startsWith('N8N_EXPRESSION_ENGINE')),
	) as Record<string, string>;
}

function prepareN8n(): void {
	process.env.HEYGEN_E2E_N8N_DIR = provisionN8n();
	process.env.HEYGEN_E2E_TARBALL = buildAndPack();
}

async function n8nBenchmarks(engine: Record<string, string>): Promise<void> {
	const apiKey = 'bench-key';
	const sandbox = await HeyGenSandbox.start({ apiKeys: [apiKey], retryScheduleMs: [] });
	const n8n = await N8nInstance.start({ N8N_LOG_LEVEL: 'warn', ...engine });
	try {
		const credential = await n8n.createCredential({ apiKey, baseUrl: sandbox.url });
		const trigger = await createTriggerWorkflow(n8n, credential, { options: { ignoreDuplicates: true } });
		await n8n.activate(trigger.id);
		const [endpoint] = await waitForEndpoints(sandbox, apiKey, trigger.url, 1);

		const webhookId = randomUUID();
		const plain = await n8n.createWorkflow({
			name: 'n8n Webhook node (baseline)',
			nodes: [{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId, parameters: { httpMethod: 'POST', path: webhookId } }],
		});
		await n8n.activate(plain.id);
		const plainUrl = `${n8n.baseUrl}/webhook/${webhookId}`;
		await waitFor('the baseline webhook', async () => (await axios.post(plainUrl, {}, { validateStatus: () => true })).status === 200);

		// At most 250: the executions are counted from one page of n8n's public API.
		const count = Math.min(250, Number(process.env.BENCH_REQUESTS ?? 200));
		const concurrency = 4;
		const genuine = () => {
			const body = JSON.stringify({ event_type: 'avatar_video.success', event_data: { video_id: randomUUID() } });
			return {
				body,
				headers: {
					'Content-Type': 'application/json',
					'Heygen-Signature': signBody(endpoint.secret as string, body),
					'Heygen-Timestamp': String(Math.floor(Date.now() / 1000)),
					'Heygen-Event-Id': `evt_${randomUUID()}`,
				},
			};
		};
		const forged = () => ({ ...genuine(), headers: { ...genuine().headers, 'Heygen-Signature': 'f'.repeat(64) } });
		const baseline = () => ({ body: JSON.stringify({ hello: 'world' }), headers: { 'Content-Type': 'application/json' } });

		const engineLabel = Object.entries(engine).map(([k, v]) => `${k}=${v}`).join(' ') || 'default expression engine';
		console.log(`\nreal n8n 2.41.1, ${count} requests each, concurrency ${concurrency}, ${engineLabel}`);
		// Answered requests per second, and executions finished per second (the trigger answers
		// before n8n starts the execution, so only the second figure compares fairly).
		for (const [label, url, request, workflowId] of [
			['n8n Webhook node (baseline)', plainUrl, baseline, plain.id],
			['HeyGen Trigger, genuine deliveries', trigger.url, genuine, trigger.id],
			['HeyGen Trigger, forged deliveries (401)', trigger.url, forged, undefined],
		] as const) {
			const before = workflowId ? (await n8n.executions(workflowId)).length : 0;
			const started = Date.now();
			const { perSecond, statuses } = await fire(url, count, concurrency, request);
			let executed = '';
			if (workflowId) {
				await n8n.waitForExecutions(workflowId, before + count, 300_000);
				executed = `${(count / ((Date.now() - started) / 1000)).toFixed(1)} executions/s`;
			}
			console.log(`${label.padEnd(44)} ${perSecond.toFixed(1).padStart(7)} answered/s ${executed.padStart(20)}   ${JSON.stringify(statuses)}`);
		}
	} finally {
		await n8n.dispose();
		await sandbox.stop();
	}
}

async function main(): Promise<void> {
	microBenchmarks();
	const inN8n = process.argv.includes('--n8n');
	const inQueueMode = process.argv.includes('--queue');
	if (inN8n || inQueueMode) prepareN8n();
	if (inN8n) await n8nBenchmarks(engineEnv());
	if (inQueueMode) await queueBenchmarks(engineEnv());
	if (!inN8n && !inQueueMode) {
		console.log('\n(run `npm run bench -- --n8n` for throughput inside a real n8n, `-- --queue` for queue mode)');
	}
}

main().catch((error: Error) => {
	console.error(error);
	process.exit(1);
});
