/**
 * `npm run bench -- --queue`: the HeyGen Trigger in n8n's queue mode, deliveries through one
 * webhook process against the same through two behind the round-robin proxy (dev/n8n/queue.ts).
 * Interleaved rounds; medians and ranges; each process's CPU time from /proc.
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';

import { HeyGenSandbox, signBody } from '../heygen-sandbox/server';
import { createTriggerWorkflow, deliver, waitForEndpoints } from '../n8n/heygen';
import { sendAll } from '../n8n/load';
import { waitFor } from '../n8n/n8n';
import { QueueCluster } from '../n8n/queue';

const TICKS_PER_SECOND = 100; // Linux's USER_HZ

/** utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat). */
function cpuSeconds(pid: number | undefined): number {
	if (!pid || !fs.existsSync(`/proc/${pid}/stat`)) return 0;
	const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** A process and its children (PostgreSQL serves each connection from a child of the postmaster). */
function treeCpuSeconds(pid: number | undefined): number {
	if (!pid) return 0;
	let total = cpuSeconds(pid);
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const stat = fs.existsSync(`/proc/${entry}/stat`) ? fs.readFileSync(`/proc/${entry}/stat`, 'utf8') : '';
		if (Number(stat.split(') ')[1]?.split(' ')[1]) === pid) total += cpuSeconds(Number(entry));
	}
	return total;
}

function summary(values: number[], digits = 1): string {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length / 2;
	const median = sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
	return `${median.toFixed(digits)} (${sorted[0].toFixed(digits)}–${sorted[sorted.length - 1].toFixed(digits)})`;
}

export async function queueBenchmarks(engine: Record<string, string>): Promise<void> {
	const apiKey = 'bench-queue-key';
	const sandbox = await HeyGenSandbox.start({ apiKeys: [apiKey], retryScheduleMs: [] });
	const cluster = await QueueCluster.start({ extraEnv: { N8N_LOG_LEVEL: 'warn', ...engine } });
	try {
		const credential = await cluster.n8n.createCredential({ apiKey, baseUrl: sandbox.url });
		const trigger = await createTriggerWorkflow(cluster.n8n, credential);
		await cluster.n8n.activate(trigger.id);
		const [endpoint] = await waitForEndpoints(sandbox, apiKey, trigger.url, 1);
		const secret = endpoint.secret as string;

		const count = Number(process.env.BENCH_REQUESTS ?? 120);
		const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
		const concurrency = 8;
		const processes = {
			main: () => cpuSeconds(cluster.main.pid),
			'webhook-1': () => cpuSeconds(cluster.webhooks[0].process.pid),
			'webhook-2': () => cpuSeconds(cluster.webhooks[1].process.pid),
			worker: () => cpuSeconds(cluster.worker.pid),
			postgres: () => treeCpuSeconds(cluster.postgres.pid),
			redis: () => cpuSeconds(cluster.redis.pid),
		};
		const targets = { 'one webhook process': cluster.via(0, trigger.url), 'two, through the proxy': trigger.url };
		type Target = keyof typeof targets;
		const results = new Map<Target, { accepted: number[]; executed: number[]; cpu: Record<string, number[]> }>();

		const engineLabel = Object.entries(engine).map(([k, v]) => `${k}=${v}`).join(' ') || 'default expression engine';
		console.log(`\nn8n 2.41.1 queue mode, ${count} deliveries per round at concurrency ${concurrency}, ${rounds} interleaved rounds, ${engineLabel}`);
		for (let round = 0; round < rounds; round++) {
			// Alternate which target goes first, so neither always meets a warmer system.
			const order = Object.keys(targets) as Target[];
			for (const target of round % 2 ? order.reverse() : order) {
				const before = (await cluster.n8n.executions(trigger.id, false)).length;
				const cpuBefore = Object.fromEntries(Object.entries(processes).map(([name, read]) => [name, read()]));
				const started = Date.now();
				const answers = await sendAll(count, concurrency, async () => {
					const body = JSON.stringify({ event_type: 'avatar_video.success', event_data: { video_id: randomUUID() } });
					return await deliver(targets[target], { body, signature: signBody(secret, body) });
				});
				const answeredIn = (Math.max(...answers.map((answer) => answer.answeredAt)) - started) / 1000;
				const accepted = answers.filter((answer) => answer.value.status === 200).length;
				await waitFor('the round\'s executions', async () => {
					const executions = await cluster.n8n.executions(trigger.id, false);
					return executions.length >= before + accepted && executions.every((execution) => execution.status !== 'new' && execution.status !== 'running');
				}, 600_000, 500);
				const executedIn = (Date.now() - started) / 1000;
				const entry = results.get(target) ?? { accepted: [], executed: [], cpu: {} };
				entry.accepted.push(accepted / answeredIn);
				entry.executed.push(accepted / executedIn);
				for (const [name, read] of Object.entries(processes)) (entry.cpu[name] ??= []).push(read() - cpuBefore[name]);
				results.set(target, entry);
				console.log(`  round ${round + 1}, ${target.padEnd(24)} ${(accepted / answeredIn).toFixed(1).padStart(6)} accepted/s ${(accepted / executedIn).toFixed(1).padStart(6)} executions/s   (${accepted}/${count} accepted)`);
			}
		}

		console.log(`\nmedian (range) over ${rounds} rounds`);
		for (const [target, entry] of results) {
			console.log(`${target.padEnd(26)} accepted/s ${summary(entry.accepted)}   executions/s ${summary(entry.executed)}`);
			const perDelivery = Object.entries(entry.cpu).map(([name, seconds]) => `${name} ${summary(seconds.map((s) => (s * 1000) / count))}`);
			console.log(`${''.padEnd(26)} CPU ms per delivery: ${perDelivery.join(', ')}`);
			const webhookCpu = entry.cpu['webhook-1'].map((s, i) => ((s + entry.cpu['webhook-2'][i]) * 1000) / count);
			const allCpu = entry.cpu.main.map((_, i) => (Object.values(entry.cpu).reduce((sum, seconds) => sum + seconds[i], 0) * 1000) / count);
			console.log(`${''.padEnd(26)} webhook processes together ${summary(webhookCpu)} ms, every process ${summary(allCpu)} ms per delivery`);
		}
		const one = results.get('one webhook process');
		const two = results.get('two, through the proxy');
		if (one && two) {
			const median = (values: number[]) => Number(summary(values, 3).split(' ')[0]);
			console.log(`two / one: accepted ${(median(two.accepted) / median(one.accepted)).toFixed(2)}×, executions ${(median(two.executed) / median(one.executed)).toFixed(2)}×`);
		}
	} finally {
		await cluster.stop();
		await sandbox.stop();
	}
}
