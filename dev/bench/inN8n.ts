/**
 * `npm run bench -- --n8n`: the HeyGen Trigger inside a real n8n 2.41.1, next to n8n's own
 * Webhook node, on the default expression engine and again with lazy isolates (n8n restarted in
 * between). Phases: the Webhook node; the trigger with an empty record; the trigger with a full
 * record (20,000 deliveries within 24 h, seeded into static data through n8n's database before
 * n8n starts, dev/n8n/seedRecord.ts); forged deliveries (401) against each record. Every figure is
 * the median of interleaved rounds, next to its ratio to the Webhook node; then the targets, met
 * or missed. Figures only: nothing here fails the run because a target is missed.
 */
import { randomUUID } from 'crypto';

import { HeyGenSandbox } from '../heygen-sandbox/server';
import { callbackN8nBenchmark } from './callbacks';
import { createTriggerWorkflow, deliver, genuineDelivery, TRIGGER_NAME, waitForEndpoints } from '../n8n/heygen';
import { executionsSince, newestExecutionId } from '../n8n/executionsSince';
import { sendAll } from '../n8n/load';
import { isDone, N8nInstance, waitFor } from '../n8n/n8n';
import { buildSeededRecord, EMPTY_RECORD, seededDelivery, waitForRegisteredEndpoint, writeReplayRecord } from '../n8n/seedRecord';
import { RECORD_CAPACITY_DELIVERIES } from '../../nodes/HeyGenTrigger/replayRecord';
import { PeakRss, treeCpuSeconds } from './processTree';

const CONCURRENCY = 4;
const MiB = 1024 * 1024;

interface Engine {
	name: string;
	env: Record<string, string>;
	/** The trigger's throughput target against the Webhook node on this engine. */
	triggerTarget: number;
}

// In this order: n8n keeps the environment of its previous start, and the default engine sets nothing.
const ENGINES: Engine[] = [
	{ name: 'default engine', env: {}, triggerTarget: 0.6 },
	{ name: 'lazy isolates (N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true)', env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' }, triggerTarget: 0.95 },
];

export type PhaseName = 'webhook' | 'empty' | 'full' | 'forgedEmpty' | 'forgedFull';

export const LABELS: Record<PhaseName, string> = {
	webhook: 'n8n Webhook node (v2, onReceived)',
	empty: 'HeyGen Trigger, empty record',
	full: 'HeyGen Trigger, full record',
	forgedEmpty: 'forged (401), empty record',
	forgedFull: 'forged (401), full record',
};

export interface Phase {
	name: PhaseName;
	workflowId: string;
	/** Whether each answered request should start an execution. */
	executes: boolean;
	send: () => Promise<{ status: number; outcome: string }>;
}

export interface Round {
	answeredPerSecond: number;
	executionsPerSecond: number;
	p50: number;
	p99: number;
	peakRssBytes: number;
	cpuMsPerRequest: number;
	executions: number;
	outcomes: Record<string, number>;
}

export interface Setup {
	n8n: N8nInstance;
	webhookUrl: string;
	webhookWorkflowId: string;
	triggers: Record<'empty' | 'full', { id: string; url: string; secret: string }>;
}

function settings() {
	return {
		rounds: Number(process.env.BENCH_ROUNDS ?? 7),
		requests: Number(process.env.BENCH_REQUESTS ?? 250),
		warmup: Number(process.env.BENCH_WARMUP ?? 20),
	};
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length / 2;
	return sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Nearest-rank percentile. */
const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

/** Two published triggers (empty and full record) and a Webhook-node workflow, in a fresh n8n. */
export async function setUp(sandbox: HeyGenSandbox, apiKey: string): Promise<Setup> {
	const n8n = await N8nInstance.start({ N8N_LOG_LEVEL: 'warn' });
	const credential = await n8n.createCredential({ apiKey, baseUrl: sandbox.url });
	const empty = await createTriggerWorkflow(n8n, credential, {}, 2, 'HeyGen Trigger, empty record');
	const full = await createTriggerWorkflow(n8n, credential, {}, 2, 'HeyGen Trigger, full record');
	const webhookId = randomUUID();
	const plain = await n8n.createWorkflow({
		name: 'n8n Webhook node (baseline)',
		nodes: [{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId, parameters: { httpMethod: 'POST', path: webhookId } }],
	});
	for (const id of [empty.id, full.id, plain.id]) await n8n.activate(id);
	const secrets = [];
	for (const trigger of [empty, full]) {
		const [endpoint] = await waitForEndpoints(sandbox, apiKey, trigger.url, 1);
		await waitForRegisteredEndpoint(n8n, trigger.id, TRIGGER_NAME);
		secrets.push(endpoint.secret as string);
	}
	return {
		n8n,
		webhookUrl: `${n8n.baseUrl}/webhook/${webhookId}`,
		webhookWorkflowId: plain.id,
		triggers: {
			empty: { id: empty.id, url: empty.url, secret: secrets[0] },
			full: { id: full.id, url: full.url, secret: secrets[1] },
		},
	};
}

export function phases(setup: Setup): Phase[] {
	const outcome = (answer: { status: number; data: unknown }) => {
		const ignored = (answer.data as { ignored?: string } | undefined)?.ignored;
		return { status: answer.status, outcome: `${answer.status}${ignored ? ` ${ignored}` : ''}` };
	};
	const genuine = (to: 'empty' | 'full') => async () => {
		const { body, eventId } = genuineDelivery();
		return outcome(await deliver(setup.triggers[to].url, { body, eventId, secret: setup.triggers[to].secret }));
	};
	const forged = (to: 'empty' | 'full') => async () => {
		const { body, eventId } = genuineDelivery();
		return outcome(await deliver(setup.triggers[to].url, { body, eventId, signature: 'f'.repeat(64) }));
	};
	// The same bodies as the trigger's, without HeyGen's headers.
	const plain = async () => outcome(await deliver(setup.webhookUrl, { body: genuineDelivery().body, signature: null, timestamp: null, eventId: null }));
	return [
		{ name: 'webhook', workflowId: setup.webhookWorkflowId, executes: true, send: plain },
		{ name: 'empty', workflowId: setup.triggers.empty.id, executes: true, send: genuine('empty') },
		{ name: 'full', workflowId: setup.triggers.full.id, executes: true, send: genuine('full') },
		{ name: 'forgedEmpty', workflowId: setup.triggers.empty.id, executes: false, send: forged('empty') },
		{ name: 'forgedFull', workflowId: setup.triggers.full.id, executes: false, send: forged('full') },
	];
}

/**
 * Sends `count` requests at concurrency 4 and, for a phase that executes, waits until n8n has
 * finished as many executions as it answered 200 (listed through the public API, as far back as
 * the phase's first). Executions per second run from the first request to the last execution's
 * stoppedAt. Memory is sampled over the whole phase, executions included.
 */
export async function runPhase(n8n: N8nInstance, phase: Phase, count: number): Promise<Round> {
	const pid = n8n.pid as number;
	const before = await newestExecutionId(n8n, phase.workflowId);
	const rss = new PeakRss(pid);
	const cpuBefore = treeCpuSeconds(pid);
	const started = Date.now();
	const answers = await sendAll(count, CONCURRENCY, async () => {
		const sent = performance.now();
		const answer = await phase.send();
		return { ...answer, ms: performance.now() - sent };
	});
	const answeredIn = (Math.max(...answers.map((answer) => answer.answeredAt)) - started) / 1000;
	const outcomes: Record<string, number> = {};
	for (const { value } of answers) outcomes[value.outcome] = (outcomes[value.outcome] ?? 0) + 1;
	const expected = phase.executes ? answers.filter(({ value }) => value.status === 200).length : 0;
	let executions = await executionsSince(n8n, phase.workflowId, before);
	if (phase.executes) {
		executions = await waitFor(
			`${expected} executions of ${LABELS[phase.name]}`,
			async () => {
				const found = await executionsSince(n8n, phase.workflowId, before);
				return found.length >= expected && found.every(isDone) ? found : undefined;
			},
			600_000,
			1000,
		);
	}
	const cpuSeconds = treeCpuSeconds(pid) - cpuBefore;
	const peakRssBytes = rss.stop();
	const lastStop = Math.max(...executions.map((execution) => Date.parse(execution.stoppedAt ?? '') || 0));
	const latencies = answers.map(({ value }) => value.ms).sort((a, b) => a - b);
	return {
		answeredPerSecond: count / answeredIn,
		executionsPerSecond: executions.length ? executions.length / ((lastStop - started) / 1000) : 0,
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99),
		peakRssBytes,
		cpuMsPerRequest: (cpuSeconds * 1000) / count,
		executions: executions.length,
		outcomes,
	};
}

/** With n8n stopped: a full record for one trigger, an empty one for the other. */
export function seed(setup: Setup): string {
	const full = writeReplayRecord(setup.n8n.userFolder, setup.triggers.full.id, TRIGGER_NAME, buildSeededRecord());
	writeReplayRecord(setup.n8n.userFolder, setup.triggers.empty.id, TRIGGER_NAME, EMPTY_RECORD);
	return `full record seeded: ${RECORD_CAPACITY_DELIVERIES.toLocaleString('en')} deliveries over the last 23 h, ${full.recordBytes.toLocaleString('en')} bytes (static data ${full.staticDataBytes.toLocaleString('en')} bytes)`;
}

/** The seeded record is what n8n loaded: seeded deliveries replayed (newest, and one 22 h old) are duplicates. */
export async function checkSeeded(setup: Setup): Promise<string> {
	const { url, secret } = setup.triggers.full;
	const replays = [RECORD_CAPACITY_DELIVERIES - 1, 1000];
	for (const index of replays) {
		const { body, eventId } = seededDelivery(index);
		const answer = await deliver(url, { body, eventId, secret });
		if (answer.status !== 200 || (answer.data as { ignored?: string }).ignored !== 'duplicate') {
			throw new Error(`seeded delivery ${index} was answered ${answer.status} ${JSON.stringify(answer.data)}: n8n did not load the seeded record`);
		}
	}
	return `seeded deliveries ${replays.join(' and ')} replayed: answered duplicate`;
}

async function recordSize(setup: Setup, which: 'empty' | 'full'): Promise<string> {
	const staticData = (await setup.n8n.getWorkflow(setup.triggers[which].id)).staticData ?? {};
	const replay = staticData[`node:${TRIGGER_NAME}`]?.replay as { hours?: Record<string, string> } | undefined;
	const keys = Object.values(replay?.hours ?? {}).join('').length / 8;
	return `${which} record ${keys.toLocaleString('en')} keys, static data ${JSON.stringify(staticData).length.toLocaleString('en')} bytes`;
}

const cell = (value: number, digits: number, ratio?: number) =>
	`${value.toFixed(digits)}${ratio === undefined ? '' : ` (${ratio.toFixed(2)}×)`}`.padEnd(17);

type Pick = (round: Round) => number;
const METRICS: Array<{ header: string; pick: Pick; digits: number; scale?: number }> = [
	{ header: 'answered/s', pick: (r) => r.answeredPerSecond, digits: 1 },
	{ header: 'executions/s', pick: (r) => r.executionsPerSecond, digits: 1 },
	{ header: 'answer p50 ms', pick: (r) => r.p50, digits: 0 },
	{ header: 'answer p99 ms', pick: (r) => r.p99, digits: 0 },
	{ header: 'peak RSS MiB', pick: (r) => r.peakRssBytes, digits: 0, scale: MiB },
	{ header: 'n8n CPU ms/req', pick: (r) => r.cpuMsPerRequest, digits: 1 },
];

/**
 * Figures are medians over the rounds. A ratio is the median of the per-round ratios: the phases
 * of one round run back to back, so pairing them within a round cancels most of the drift a shared
 * machine adds between rounds.
 */
function report(engine: Engine, results: Map<PhaseName, Round[]>): void {
	const rounds = (name: PhaseName) => results.get(name) ?? [];
	const figure = (name: PhaseName, pick: Pick) => median(rounds(name).map(pick));
	const ratios = (name: PhaseName, of: PhaseName, pick: Pick) => rounds(name).map((round, i) => pick(round) / pick(rounds(of)[i]));
	console.log(`
medians of ${rounds('webhook').length} rounds, ${engine.name} (in brackets: median of the per-round ratios to the Webhook node)`);
	console.log(`${'phase'.padEnd(36)}${METRICS.map(({ header }) => header.padEnd(17)).join('')}answers`);
	for (const name of results.keys()) {
		const outcomes: Record<string, number> = {};
		for (const round of rounds(name)) for (const [outcome, n] of Object.entries(round.outcomes)) outcomes[outcome] = (outcomes[outcome] ?? 0) + n;
		const executed = rounds(name).reduce((sum, round) => sum + round.executions, 0);
		const cells = METRICS.map(({ pick, digits, scale }) => {
			const value = figure(name, pick);
			if (!value) return '—'.padEnd(17);
			return cell(value / (scale ?? 1), digits, name === 'webhook' ? undefined : median(ratios(name, 'webhook', pick)));
		});
		console.log(`${LABELS[name].padEnd(36)}${cells.join('')}${Object.entries(outcomes).map(([outcome, n]) => `${outcome}: ${n}`).join(', ')}; ${executed} executions`);
	}

	const mark = (met: boolean) => (met ? 'met' : 'MISSED');
	/** The median per-round ratio, with the rounds' range. */
	const paired = (name: PhaseName, of: PhaseName, pick: Pick) => {
		const values = ratios(name, of, pick);
		return { value: median(values), range: `rounds ${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}` };
	};
	const throughputs = [['executions/s', METRICS[1].pick], ['answered/s', METRICS[0].pick]] as const;
	const line = (target: string, parts: string[]) => console.log(`  ${target.padEnd(48)} ${parts.join('; ')}`);
	console.log(`targets, ${engine.name}:`);
	line(
		`trigger ≥ ${engine.triggerTarget}× the Webhook node`,
		throughputs.map(([what, pick]) => {
			const { value, range } = paired('empty', 'webhook', pick);
			return `${what} ${value.toFixed(2)}× (${range}) ${mark(value >= engine.triggerTarget)}`;
		}),
	);
	line(
		'full record costs ≤ 10% against the empty one',
		throughputs.map(([what, pick]) => {
			const { value, range } = paired('full', 'empty', pick);
			return `${what} ${value.toFixed(2)}×, costs ${((1 - value) * 100).toFixed(1)}% (${range}) ${mark(value >= 0.9)}`;
		}),
	);
	line(
		'forged rejected ≥ 3× the accepted rate (answered/s)',
		([['forgedEmpty', 'empty'], ['forgedFull', 'full']] as const).map(([forged, accepted]) => {
			const { value, range } = paired(forged, accepted, METRICS[0].pick);
			return `${accepted} record ${value.toFixed(2)}× (${range}) ${mark(value >= 3)}`;
		}),
	);
	line(
		"peak RSS ≤ 1.5× the Webhook node's",
		(['empty', 'full', 'forgedEmpty', 'forgedFull'] as const).map((name) => {
			const { value } = paired(name, 'webhook', METRICS[4].pick);
			return `${name} ${value.toFixed(2)}× ${mark(value <= 1.5)}`;
		}),
	);
}

async function benchEngine(setup: Setup, engine: Engine): Promise<void> {
	const { rounds, requests, warmup } = settings();
	const started = Date.now();
	await setup.n8n.stop();
	const seeded = seed(setup);
	await setup.n8n.bootAgain(engine.env);
	for (const trigger of Object.values(setup.triggers)) {
		await waitFor('the trigger to answer', async () => (await deliver(trigger.url, { body: '{}', signature: null })).status === 401);
	}
	console.log(`\n== n8n 2.41.1, ${engine.name}: ${rounds} interleaved rounds of ${requests} requests per phase, concurrency ${CONCURRENCY}`);
	console.log(`${seeded}; ${await checkSeeded(setup)}`);

	const all = phases(setup);
	for (const phase of all) await runPhase(setup.n8n, phase, warmup);
	const results = new Map<PhaseName, Round[]>(all.map((phase) => [phase.name, []]));
	for (let round = 0; round < rounds; round++) {
		// Each round starts with another phase, so that none always meets a warmer or colder n8n.
		const order = [...all.slice(round % all.length), ...all.slice(0, round % all.length)];
		for (const phase of order) {
			const result = await runPhase(setup.n8n, phase, requests);
			results.get(phase.name)?.push(result);
			console.log(
				`  round ${round + 1} ${LABELS[phase.name].padEnd(36)} ${result.answeredPerSecond.toFixed(1).padStart(6)} answered/s ${phase.executes ? `${result.executionsPerSecond.toFixed(1).padStart(6)} executions/s` : `${String(result.executions).padStart(6)} executions  `}  p50 ${result.p50.toFixed(0).padStart(4)} ms  p99 ${result.p99.toFixed(0).padStart(5)} ms  peak RSS ${(result.peakRssBytes / MiB).toFixed(0)} MiB  CPU ${result.cpuMsPerRequest.toFixed(1)} ms/req`,
			);
		}
	}
	report(engine, results);
	console.log(`after the rounds: ${await recordSize(setup, 'empty')}; ${await recordSize(setup, 'full')} (the bench's own deliveries push the oldest seeded ones out)`);
	console.log(`${engine.name}: ${Math.round((Date.now() - started) / 1000)} s`);
}

export async function n8nBenchmarks(): Promise<void> {
	const apiKey = 'bench-key';
	const started = Date.now();
	const sandbox = await HeyGenSandbox.start({ apiKeys: [apiKey], retryScheduleMs: [] });
	let setup: Setup | undefined;
	try {
		setup = await setUp(sandbox, apiKey);
		for (const engine of ENGINES) await benchEngine(setup, engine);
		// Forged per-job callbacks, on the last engine: what they cost in answers and HeyGen calls.
		const credential = await setup.n8n.createCredential({ apiKey, baseUrl: sandbox.url }, 'HeyGen (callbacks)');
		await callbackN8nBenchmark(setup.n8n, sandbox, credential, apiKey, settings().requests);
		console.log(`\n--n8n took ${Math.round((Date.now() - started) / 1000)} s (BENCH_ROUNDS, BENCH_REQUESTS, BENCH_WARMUP change the round sizes)`);
	} finally {
		await setup?.n8n.dispose();
		await sandbox.stop();
	}
}
