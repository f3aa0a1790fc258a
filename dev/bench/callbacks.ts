/**
 * What forged per-job callbacks cost (`npm run bench`, and `-- --n8n` inside a real n8n): a
 * callback is unsigned, so each one that names a job the trigger has not seen makes it ask HeyGen
 * about that job (nodes/HeyGenTrigger/jobLookups.ts rations those calls per process). Figures are
 * answered callbacks per second and the HeyGen calls they caused.
 */
import axios from 'axios';
import { randomBytes } from 'crypto';

import { screenCallback } from '../../nodes/HeyGenTrigger/callbackDecision';
import { JobLookups, LOOKUP_BURST, LOOKUP_PER_MINUTE } from '../../nodes/HeyGenTrigger/jobLookups';
import { ScopeRecord } from '../../nodes/HeyGenTrigger/replayRecord';
import type { HeyGenSandbox } from '../heygen-sandbox/server';
import { createTriggerWorkflow } from '../n8n/heygen';
import { sendAll } from '../n8n/load';
import { waitFor, type N8nInstance } from '../n8n/n8n';

const fakeVideoId = () => randomBytes(16).toString('hex');
const forgedBody = (videoId: string) => JSON.stringify({ event_type: 'avatar_video.success', event_data: { video_id: videoId } });

/** The trigger's own work for a forged callback, without n8n: screening, then the ration. */
export function callbackMicroBenchmark(): void {
	const record = new ScopeRecord();
	const lookups = new JobLookups();
	const count = 50_000;
	const bodies = Array.from({ length: count }, () => Buffer.from(forgedBody(fakeVideoId())));
	const now = Math.floor(Date.now() / 1000);
	let asked = 0;
	const start = process.hrtime.bigint();
	for (const rawBody of bodies) {
		const screened = screenCallback({ listening: true, registered: true, rawBody, options: { events: [] }, now, record, persistedRecord: undefined });
		if ('job' in screened && !lookups.cached(screened.job.kind, screened.job.id, Date.now()) && lookups.take(Date.now())) asked++;
	}
	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	console.log(
		`${'forged callbacks (fresh job ids), screened, rationed'.padEnd(52)} ${Math.round(count / seconds).toLocaleString('en').padStart(12)} ops/s` +
			`   ${asked} of ${count.toLocaleString('en')} would reach HeyGen (ration: ${LOOKUP_BURST} at once, ${LOOKUP_PER_MINUTE}/min after)`,
	);
}

interface Flood {
	label: string;
	perSecond: number;
	statuses: Record<number, number>;
	heyGenCalls: number;
}

async function flood(
	sandbox: HeyGenSandbox,
	url: string,
	count: number,
	body: (index: number) => string,
): Promise<Omit<Flood, 'label'>> {
	const jobCalls = () => sandbox.calls({ method: 'GET' }).filter((call) => call.path.startsWith('/v3/videos/')).length;
	const callsBefore = jobCalls();
	const statuses: Record<number, number> = {};
	const started = Date.now();
	await sendAll(count, 4, async (index) => {
		const response = await axios.post(url, body(index), {
			headers: { 'Content-Type': 'application/json' },
			validateStatus: () => true,
			transformRequest: [(data: unknown) => data],
		});
		statuses[response.status] = (statuses[response.status] ?? 0) + 1;
	});
	return { perSecond: count / ((Date.now() - started) / 1000), statuses, heyGenCalls: jobCalls() - callsBefore };
}

/**
 * Inside a real n8n: a trigger listening to callbacks only, flooded at concurrency 4 with forged
 * callbacks naming fresh job ids, then with copies of one genuine job's callback.
 */
export async function callbackN8nBenchmark(
	n8n: N8nInstance,
	sandbox: HeyGenSandbox,
	credential: { id: string; name: string },
	apiKey: string,
	count: number,
): Promise<void> {
	const trigger = await createTriggerWorkflow(n8n, credential, { listenTo: 'callbacks' });
	await n8n.activate(trigger.id);
	const callbackUrl = trigger.url.replace(/\/webhook$/, '/callback');
	await waitFor('the callback URL', async () => (await axios.post(callbackUrl, {}, { validateStatus: () => true })).status === 400);
	const job = sandbox.createVideoJob({ apiKey });
	sandbox.completeJob(job.job_id);

	const floods: Flood[] = [
		{ label: 'forged callbacks, fresh job ids', ...(await flood(sandbox, callbackUrl, count, () => forgedBody(fakeVideoId()))) },
		{ label: 'copies of one ended job\'s callback', ...(await flood(sandbox, callbackUrl, count, () => forgedBody(job.job_id))) },
	];
	console.log(`\nper-job callbacks in real n8n (Listen To: Per-Job Callbacks), ${count} requests each, concurrency 4`);
	for (const result of floods) {
		console.log(
			`${result.label.padEnd(44)} ${result.perSecond.toFixed(1).padStart(7)} answered/s   ${String(result.heyGenCalls).padStart(4)} HeyGen calls   ${JSON.stringify(result.statuses)}`,
		);
	}
	await n8n.deactivate(trigger.id);
}
