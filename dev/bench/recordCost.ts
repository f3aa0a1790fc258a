/**
 * `npm run bench -- --record-cost`: where a full replay record's extra time goes inside n8n.
 * One n8n 2.41.1 with lazy isolates (where the record's share of a request is largest) and V8's
 * CPU profiler on (NODE_OPTIONS=--cpu-prof); the trigger with an empty and with a seeded full
 * record, genuine and forged deliveries, in interleaved rounds. For each phase: CPU per delivery
 * by thread (/proc/<pid>/task), and the main thread's self time by origin (package, or V8's own
 * entries such as the garbage collector), read off the profile for the phase's time window: V8
 * stamps samples with CLOCK_MONOTONIC, the clock of process.hrtime here.
 */
import * as fs from 'fs';
import * as path from 'path';

import { HeyGenSandbox } from '../heygen-sandbox/server';
import { deliver } from '../n8n/heygen';
import { waitFor } from '../n8n/n8n';
import { checkSeeded, LABELS, phases, runPhase, seed, setUp, type PhaseName, type Setup } from './inN8n';
import { threadCpuSeconds } from './processTree';

interface CpuProfile {
	nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
	startTime: number;
	samples: number[];
	timeDeltas: number[];
}

const PHASES: PhaseName[] = ['empty', 'full', 'forgedEmpty', 'forgedFull'];
const nowMicros = () => Number(process.hrtime.bigint() / 1000n);

/** Where a profiled frame's code comes from: its package, this package, Node, or V8's own entries. */
function origin({ functionName, url }: { functionName: string; url: string }): string {
	if (!url) return functionName.startsWith('(') ? functionName : `V8 builtin ${functionName}`;
	// The innermost package: n8n's cache and the community package both live under node_modules.
	const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
	if (pkg) return pkg[1] === 'n8n-nodes-heygen' ? 'n8n-nodes-heygen (this trigger)' : pkg[1];
	return url.startsWith('node:') ? 'node internals' : url;
}

/** Self time (ms) per phase and key, for the samples inside each phase's windows. */
function selfTime(profile: CpuProfile, windows: Array<{ phase: PhaseName; start: number; end: number }>, key: (frame: CpuProfile['nodes'][number]['callFrame']) => string) {
	const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
	const totals = new Map<PhaseName, Map<string, number>>(PHASES.map((phase) => [phase, new Map()]));
	let at = profile.startTime;
	for (let i = 0; i < profile.samples.length; i++) {
		at += profile.timeDeltas[i];
		const window = windows.find((w) => at >= w.start && at <= w.end);
		const frame = frames.get(profile.samples[i]) as CpuProfile['nodes'][number]['callFrame'];
		// Idle samples are waiting, not CPU.
		if (!window || frame.functionName === '(idle)') continue;
		const name = key(frame);
		const phase = totals.get(window.phase) as Map<string, number>;
		// A sample stands for the time until the next one.
		phase.set(name, (phase.get(name) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
	}
	return totals;
}

/** Rows ordered by `order`: 'full' (where the full record's time is) or 'added' (what it adds to the empty one's). */
function table(title: string, rows: Map<PhaseName, Map<string, number>>, perPhase: Map<PhaseName, number>, limit: number, order: 'full' | 'added'): void {
	const names = new Set([...rows.values()].flatMap((row) => [...row.keys()]));
	const value = (phase: PhaseName, name: string) => (rows.get(phase)?.get(name) ?? 0) / (perPhase.get(phase) ?? 1);
	const rank = (name: string) => (order === 'full' ? value('full', name) : value('full', name) - value('empty', name));
	const sorted = [...names].sort((a, b) => rank(b) - rank(a)).slice(0, limit);
	console.log(`\n${title}`);
	console.log(`${''.padEnd(56)}${['empty', 'full', 'full−empty', 'forged empty', 'forged full', 'difference'].map((h) => h.padStart(13)).join('')}`);
	for (const name of sorted) {
		const cells = [value('empty', name), value('full', name), value('full', name) - value('empty', name), value('forgedEmpty', name), value('forgedFull', name), value('forgedFull', name) - value('forgedEmpty', name)];
		console.log(`${name.slice(0, 55).padEnd(56)}${cells.map((cell) => cell.toFixed(2).padStart(13)).join('')}`);
	}
}

async function measure(setup: Setup, rounds: number, requests: number) {
	const all = phases(setup).filter((phase) => PHASES.includes(phase.name));
	for (const phase of all) await runPhase(setup.n8n, phase, 20); // warm-up
	const windows: Array<{ phase: PhaseName; start: number; end: number }> = [];
	const threads = new Map<PhaseName, Map<string, number>>(PHASES.map((phase) => [phase, new Map()]));
	const delivered = new Map<PhaseName, number>(PHASES.map((phase) => [phase, 0]));
	for (let round = 0; round < rounds; round++) {
		for (const phase of [...all.slice(round % all.length), ...all.slice(0, round % all.length)]) {
			const before = threadCpuSeconds(setup.n8n.pid as number);
			const start = nowMicros();
			await runPhase(setup.n8n, phase, requests);
			windows.push({ phase: phase.name, start, end: nowMicros() });
			const row = threads.get(phase.name) as Map<string, number>;
			for (const [name, seconds] of threadCpuSeconds(setup.n8n.pid as number)) {
				row.set(name, (row.get(name) ?? 0) + (seconds - (before.get(name) ?? 0)) * 1000);
			}
			delivered.set(phase.name, (delivered.get(phase.name) ?? 0) + requests);
		}
	}
	return { windows, threads, delivered };
}

export async function recordCost(): Promise<void> {
	const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
	const requests = Number(process.env.BENCH_REQUESTS ?? 300);
	const apiKey = 'bench-record-cost-key';
	const sandbox = await HeyGenSandbox.start({ apiKeys: [apiKey], retryScheduleMs: [] });
	let setup: Setup | undefined;
	try {
		setup = await setUp(sandbox, apiKey);
		const profiles = path.join(setup.n8n.userFolder, 'cpu-profiles');
		await setup.n8n.stop();
		const seeded = seed(setup);
		await setup.n8n.bootAgain({ N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true', NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profiles}` });
		for (const trigger of Object.values(setup.triggers)) {
			await waitFor('the trigger to answer', async () => (await deliver(trigger.url, { body: '{}', signature: null })).status === 401);
		}
		console.log(`\n== where a full record's time goes: n8n 2.41.1, lazy isolates, CPU profiler on, ${rounds} interleaved rounds of ${requests} deliveries per phase`);
		console.log(`${seeded}; ${await checkSeeded(setup)}`);
		const pid = setup.n8n.pid as number;
		const { windows, threads, delivered } = await measure(setup, rounds, requests);
		await setup.n8n.stop(); // the profile is written on exit
		const file = fs.readdirSync(profiles).find((name) => name.includes(`.${pid}.0.`));
		if (!file) throw new Error(`no CPU profile of n8n's main process (${pid}) in ${profiles}`);
		const profile = JSON.parse(fs.readFileSync(path.join(profiles, file), 'utf8')) as CpuProfile;

		console.log(`phases: ${PHASES.map((phase) => `${phase} = ${LABELS[phase]}`).join('; ')}`);
		table('CPU ms per delivery, by thread (/proc)', threads, delivered, 6, 'full');
		table("n8n's main thread, self time by origin, ms per delivery (CPU profile)", selfTime(profile, windows, origin), delivered, 12, 'full');
		table(
			'functions with the most added self time (full − empty), ms per delivery',
			selfTime(profile, windows, (frame) => `${frame.functionName || '(anonymous)'} ${origin(frame)}:${frame.lineNumber + 1}`),
			delivered,
			16,
			'added',
		);
	} finally {
		await setup?.n8n.dispose();
		await sandbox.stop();
	}
}
