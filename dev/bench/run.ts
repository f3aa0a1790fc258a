/**
 * `npm run bench`: figures, not pass/fail. Micro-benchmarks of the per-delivery work the trigger
 * does (signature check, replay guard), the size of its persisted record, with `-- --n8n`
 * the webhook throughput inside a real n8n next to n8n's own Webhook node (dev/bench/inN8n.ts:
 * empty and full record, forged deliveries, both expression-engine settings), and with `-- --queue`
 * one webhook process against two in queue mode (dev/bench/queue.ts); `-- --record-cost` profiles n8n
 * to show where a full record's time goes (dev/bench/recordCost.ts). Loopback only, bounded.
 */
import { computeSignature, verifySignature } from '../../nodes/shared/signature';
import { keysOf } from '../../nodes/HeyGenTrigger/deliveryDecision';
import { RECORD_CAPACITY_DELIVERIES, ScopeRecord } from '../../nodes/HeyGenTrigger/replayRecord';
import { parseDelivery } from '../../nodes/shared/deliveryItem';
import { seededDelivery, type SeededKind } from '../n8n/seedRecord';
import { callbackMicroBenchmark } from './callbacks';
import { openSecret, sealSecret } from '../../nodes/HeyGenTrigger/sealedSecret';
import { buildAndPack, provisionN8n } from '../n8n/prepare';
import { n8nBenchmarks } from './inN8n';
import { queueBenchmarks } from './queue';
import { recordCost } from './recordCost';

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
	// loaded, fold it in, check, claim, and serialise what n8n writes back. Empty vs full record
	// (20,000 deliveries: of job events, one key each, and of events that end no job, two each),
	// as the median of 7 interleaved rounds. The keys are the trigger's own (keysOf).
	const keysFor = (index: number, kind: SeededKind) => {
		const { eventId, body } = seededDelivery(index, 'micro', kind);
		const raw = Buffer.from(body);
		return keysOf(eventId, raw, parseDelivery(raw)!);
	};
	const perDelivery = (deliveries: number, kind: SeededKind) => {
		const record = new ScopeRecord();
		for (let i = 0; i < deliveries; i++) record.claim(keysFor(i, kind), now - (i % 20) * 3600);
		let stored = JSON.stringify(record.toPersisted());
		let n = deliveries;
		return {
			bytes: stored.length,
			run: () => {
				const loaded = JSON.parse(stored);
				record.absorb(loaded, now);
				const keys = keysFor(n++, kind);
				if (record.check(keys, now) === 'new') record.claim(keys, now);
				stored = JSON.stringify(record.toPersisted());
			},
		};
	};
	const states = {
		empty: () => perDelivery(0, 'job'),
		'full, job events': () => perDelivery(RECORD_CAPACITY_DELIVERIES, 'job'),
		'full, no-job events': () => perDelivery(RECORD_CAPACITY_DELIVERIES, 'plain'),
	};
	const rates: Record<string, number[]> = Object.fromEntries(Object.keys(states).map((name) => [name, []]));
	const bytes: Record<string, number> = {};
	for (let round = 0; round < 7; round++) {
		for (const [name, make] of Object.entries(states)) {
			const state = make();
			bytes[name] = state.bytes;
			const start = process.hrtime.bigint();
			for (let i = 0; i < 2000; i++) state.run();
			rates[name].push(2000 / (Number(process.hrtime.bigint() - start) / 1e9));
		}
	}
	const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
	for (const name of Object.keys(states)) {
		const sorted = [...rates[name]].sort((a, b) => a - b);
		console.log(
			`${`record per accepted delivery, ${name}`.padEnd(52)} ${Math.round(median(sorted)).toLocaleString('en').padStart(12)} ops/s (range ${Math.round(sorted[0]).toLocaleString('en')}–${Math.round(sorted[sorted.length - 1]).toLocaleString('en')})`,
		);
	}
	for (const name of Object.keys(states).slice(1)) {
		console.log(`${`record in static data, ${name}`.padEnd(52)} ${bytes[name].toLocaleString('en').padStart(12)} bytes`);
	}
	const sealed = sealSecret(secret, 'hg_api_key', 'workflow:node');
	time('openSecret (once per process and secret)', 20_000, () => openSecret(sealed, 'hg_api_key', 'workflow:node'));
	callbackMicroBenchmark();
}

// The expression engine dominates webhook cost: for --queue, N8N_EXPRESSION_ENGINE* from the shell pass through
// (--n8n runs the default engine and lazy isolates itself).
function engineEnv(): Record<string, string> {
	return Object.fromEntries(
		Object.entries(process.env).filter(([name]) => name.startsWith('N8N_EXPRESSION_ENGINE')),
	) as Record<string, string>;
}

function prepareN8n(): void {
	process.env.HEYGEN_E2E_N8N_DIR = provisionN8n();
	process.env.HEYGEN_E2E_TARBALL = buildAndPack();
}

async function main(): Promise<void> {
	microBenchmarks();
	const inN8n = process.argv.includes('--n8n');
	const inQueueMode = process.argv.includes('--queue');
	const costOfRecord = process.argv.includes('--record-cost');
	if (inN8n || inQueueMode || costOfRecord) prepareN8n();
	if (inN8n) await n8nBenchmarks();
	if (inQueueMode) await queueBenchmarks(engineEnv());
	if (costOfRecord) await recordCost();
	if (!inN8n && !inQueueMode && !costOfRecord) {
		console.log('\n(run `npm run bench -- --n8n` for throughput inside a real n8n, `-- --queue` for queue mode, `-- --record-cost` for where a full record\'s time goes)');
	}
}

main().catch((error: Error) => {
	console.error(error);
	process.exit(1);
});
