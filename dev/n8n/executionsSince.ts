import type { Execution, N8nClient } from './n8nClient';

/** What n8n's public API lists for an execution without its data: with its start and stop times. */
export interface ExecutionTimes extends Execution {
	startedAt: string | null;
	stoppedAt: string | null;
}

/** The id of the workflow's newest execution, 0 when it has none. */
export async function newestExecutionId(n8n: N8nClient, workflowId: string): Promise<number> {
	const response = await n8n.api.get('/executions', { params: { workflowId, includeData: false, limit: 1 } });
	const [newest] = response.data.data as Execution[];
	return newest ? Number(newest.id) : 0;
}

/**
 * The workflow's executions with an id above `afterId`, newest first. The public API lists
 * newest first in pages of at most 250: this follows its cursor only as far back as `afterId`,
 * so counting a phase's executions costs one page per 250, whatever ran before.
 */
export async function executionsSince(n8n: N8nClient, workflowId: string, afterId: number): Promise<ExecutionTimes[]> {
	const found: ExecutionTimes[] = [];
	let cursor: string | undefined;
	do {
		const response = await n8n.api.get('/executions', {
			params: { workflowId, includeData: false, limit: 250, ...(cursor ? { cursor } : {}) },
		});
		for (const execution of response.data.data as ExecutionTimes[]) {
			if (Number(execution.id) <= afterId) return found;
			found.push(execution);
		}
		cursor = response.data.nextCursor ?? undefined;
	} while (cursor);
	return found;
}
