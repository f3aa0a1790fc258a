import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { simplifyJob } from '../../../shared/deliveryItem';
import { getJob, type JobKind } from '../../../shared/jobApi';
import { jobNotFound, readJobId } from './jobFields';

export const description = (): INodeProperties[] => [];

/** The job's status and output, in the fields of the HeyGen Trigger's item. */
export function execute(kind: JobKind) {
	return async function (this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
		const id = readJobId.call(this, kind, itemIndex);
		const job = await getJob.call(this, kind, id, { itemIndex }).catch((error) => {
			throw jobNotFound.call(this, error, kind, id, itemIndex);
		});
		return [{ json: simplifyJob(kind, id, job, { source: 'api' }) }];
	};
}
