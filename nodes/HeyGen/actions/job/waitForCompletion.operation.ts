import { NodeOperationError, sleep, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { simplifyJob } from '../../../shared/deliveryItem';
import { getJob, JOBS, jobOutcome, type JobKind } from '../../../shared/jobApi';
import { HeyGenApiError } from '../../../shared/transport';
import { pollDelayMs } from '../../pollSchedule';
import { jobNotFound, readJobId } from './jobFields';

/**
 * Waits by asking HeyGen (pollSchedule.ts), so it needs no public URL. Resuming on the job's
 * callback instead is not offered: see the README, "When a video is ready".
 */


const maxWaitDescription = (kind: JobKind) =>
	`How long to wait for HeyGen to finish the ${JOBS[kind].name} before the step fails (with On Error → Continue: an error item). The job keeps running at HeyGen.`;

// A literal default per resource (n8n's lint wants literals): a video renders in minutes, a
// translation can take an hour.
export const description = (kind: JobKind): INodeProperties[] => [
	kind === 'video'
		? {
				displayName: 'Max Wait (Minutes)',
				name: 'maxWaitMinutes',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: 30,
				description: maxWaitDescription(kind),
				displayOptions: { show: { resource: [kind], operation: ['waitForCompletion'] } },
			}
		: {
				displayName: 'Max Wait (Minutes)',
				name: 'maxWaitMinutes',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: 60,
				description: maxWaitDescription(kind),
				displayOptions: { show: { resource: [kind], operation: ['waitForCompletion'] } },
			},
];

/** Ends with the job's final item (a failed job is a `fail` item); an error only when time runs out. */
export function execute(kind: JobKind) {
	return async function (this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
		const id = readJobId.call(this, kind, itemIndex);
		const minutes = Number(this.getNodeParameter('maxWaitMinutes', itemIndex));
		const deadline = Date.now() + Math.max(0, minutes) * 60_000;
		let lastStatus = 'not known yet';
		for (let attempt = 0; ; attempt++) {
			let retryAfter: number | undefined;
			try {
				// One send per poll: the schedule is the retry.
				const job = await getJob.call(this, kind, id, { itemIndex, attempts: 1 });
				if (jobOutcome(job.status)) return [{ json: simplifyJob(kind, id, job, { source: 'api' }) }];
				lastStatus = typeof job.status === 'string' ? job.status : 'without a status';
			} catch (error) {
				// HeyGen busy or unreachable: keep waiting. Anything else (401, 404) ends the wait.
				const transient =
					!(error instanceof HeyGenApiError) || error.statusCode === 429 || error.statusCode >= 500;
				if (!transient) throw jobNotFound.call(this, error, kind, id, itemIndex);
				retryAfter = error instanceof HeyGenApiError ? error.retryAfterSeconds : undefined;
				lastStatus = `unknown (HeyGen answered: ${(error as Error).message})`;
			}
			const remaining = deadline - Date.now();
			if (remaining <= 0) {
				throw new NodeOperationError(
					this.getNode(),
					`HeyGen ${JOBS[kind].name} ${id} did not finish within ${minutes} minutes: its last status was ${lastStatus}`,
					{
						itemIndex,
						description: 'The job goes on at HeyGen. Raise "Max Wait (Minutes)", or read it later with the Get operation.',
					},
				);
			}
			await sleep(Math.min(pollDelayMs(attempt, Math.random(), retryAfter), remaining));
		}
	};
}
