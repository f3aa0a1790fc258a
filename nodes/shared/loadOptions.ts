import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { BUILT_IN_EVENT_TYPES, toEventTypeOptions } from './eventCatalogue';
import { listEventTypes } from './webhookApi';

/** The live event types for the "Events" dropdowns; the built-in list when HeyGen is unreachable. */
export async function getEventTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	try {
		const live = await listEventTypes.call(this);
		if (live.length > 0) return toEventTypeOptions(live);
	} catch (error) {
		// A dropdown must still open without a working credential: fall back to the catalogue.
		this.logger.debug(`HeyGen event types could not be loaded: ${(error as Error).message}`);
	}
	return toEventTypeOptions(BUILT_IN_EVENT_TYPES);
}
