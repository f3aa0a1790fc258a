import {
	planEndpoint,
	type DesiredEndpoint,
	type EndpointPlan,
	type RegisteredEndpoint,
} from '../../../nodes/HeyGenTrigger/endpointPlan';
import type { WebhookEndpoint } from '../../../nodes/shared/webhookApi';

/**
 * Every activation case of the README's "Endpoint lifecycle", as the plan checkExists runs
 * (test/workflow/HeyGenTrigger/endpointLifecycle.test.ts runs the lifecycle against the sandbox).
 */

const URL = 'https://n8n.example.com/webhook/abc/webhook';
const OLD_URL = 'https://old.example.com/webhook/abc/webhook';
const OTHER_URL = 'https://n8n.example.com/webhook/other/webhook';
const EVENTS = ['avatar_video.success', 'avatar_video.fail'];

const endpoint = (id: string, fields: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
	endpoint_id: id,
	url: URL,
	events: EVENTS,
	status: 'enabled',
	entity_id: null,
	secret: null,
	...fields,
});
/** As HeyGen may list it: without the undocumented `entity_id`. */
const unscoped = (id: string, fields: Partial<WebhookEndpoint> = {}): WebhookEndpoint => {
	const listed = endpoint(id, fields);
	delete listed.entity_id;
	return listed;
};
const stored = (id: string, fields: RegisteredEndpoint = {}): RegisteredEndpoint => ({
	endpointId: id,
	sealedSecret: 'v1.sealed',
	url: URL,
	...fields,
});
const wanted = (fields: Partial<DesiredEndpoint> = {}): DesiredEndpoint => ({ url: URL, events: EVENTS, entityId: undefined, ...fields });

interface Case {
	endpoints: WebhookEndpoint[];
	stored?: RegisteredEndpoint;
	/** Defaults to true when something is stored. */
	secretOpens?: boolean;
	desired?: DesiredEndpoint;
}

const plan = (c: Case) =>
	planEndpoint({
		endpoints: c.endpoints,
		stored: c.stored ?? {},
		secretOpens: c.secretOpens ?? Boolean(c.stored?.endpointId),
		desired: c.desired ?? wanted(),
	});

const cases: Array<[string, Case, EndpointPlan]> = [
	// nothing stored (first activation, lost static data, a test listener)
	['nothing stored, nothing listed → create', { endpoints: [] }, { steps: [], outcome: 'create' }],
	['nothing stored, only other URLs listed → create, others left alone', { endpoints: [endpoint('ep_x', { url: OTHER_URL })] }, { steps: [], outcome: 'create' }],
	[
		'nothing stored, an orphan on our URL → adopt it (rotate its secret)',
		{ endpoints: [endpoint('ep_1')] },
		{ steps: [{ step: 'adopt', endpointId: 'ep_1', url: URL, entityId: undefined, reason: 'orphan' }], outcome: 'keep' },
	],
	[
		'nothing stored, an orphan with other events → adopt it, then patch its events',
		{ endpoints: [endpoint('ep_1', { events: ['video_translate.success'] })] },
		{
			steps: [
				{ step: 'adopt', endpointId: 'ep_1', url: URL, entityId: undefined, reason: 'orphan' },
				{ step: 'patch', endpointId: 'ep_1', changes: { events: EVENTS }, url: URL },
			],
			outcome: 'keep',
		},
	],
	[
		'nothing stored, a disabled orphan on our URL → delete it, create',
		{ endpoints: [endpoint('ep_1', { status: 'disabled' })] },
		{ steps: [{ step: 'delete', endpointId: 'ep_1', reason: 'disabled' }], outcome: 'create' },
	],
	[
		'nothing stored, an orphan scoped to another entity → delete it, create',
		{ endpoints: [endpoint('ep_1', { entity_id: 'ent_other' })], desired: wanted({ entityId: 'ent_mine' }) },
		{ steps: [{ step: 'delete', endpointId: 'ep_1', reason: 'otherEntity' }], outcome: 'create' },
	],
	[
		'nothing stored, an entity-scoped orphan for our entity → adopt it with the entity',
		{ endpoints: [endpoint('ep_1', { entity_id: 'ent_1' })], desired: wanted({ entityId: 'ent_1' }) },
		{ steps: [{ step: 'adopt', endpointId: 'ep_1', url: URL, entityId: 'ent_1', reason: 'orphan' }], outcome: 'keep' },
	],
	[
		'nothing stored, an orphan scoped to an entity while we want none → delete it, create',
		{ endpoints: [endpoint('ep_1', { entity_id: 'ent_1' })] },
		{ steps: [{ step: 'delete', endpointId: 'ep_1', reason: 'otherEntity' }], outcome: 'create' },
	],
	[
		'nothing stored, an orphan of unknown scope (list without entity_id) and an entity wanted → delete it, create',
		{ endpoints: [unscoped('ep_1')], desired: wanted({ entityId: 'ent_1' }) },
		{ steps: [{ step: 'delete', endpointId: 'ep_1', reason: 'otherEntity' }], outcome: 'create' },
	],
	[
		'nothing stored, an orphan of unknown scope and no entity wanted → adopt it',
		{ endpoints: [unscoped('ep_1')] },
		{ steps: [{ step: 'adopt', endpointId: 'ep_1', url: URL, entityId: undefined, reason: 'orphan' }], outcome: 'keep' },
	],
	[
		'nothing stored, two on our URL → adopt the first, delete the other',
		{ endpoints: [endpoint('ep_1'), endpoint('ep_x', { url: OTHER_URL }), endpoint('ep_2')] },
		{
			steps: [
				{ step: 'adopt', endpointId: 'ep_1', url: URL, entityId: undefined, reason: 'orphan' },
				{ step: 'delete', endpointId: 'ep_2', reason: 'duplicate' },
			],
			outcome: 'keep',
		},
	],
	[
		'nothing stored, a disabled one and an enabled one on our URL → adopt the enabled one, delete the disabled one',
		{ endpoints: [endpoint('ep_1', { status: 'disabled' }), endpoint('ep_2')] },
		{
			steps: [
				{ step: 'adopt', endpointId: 'ep_2', url: URL, entityId: undefined, reason: 'orphan' },
				{ step: 'delete', endpointId: 'ep_1', reason: 'disabled' },
			],
			outcome: 'keep',
		},
	],
	// the stored endpoint
	['stored, listed, secret opens, nothing changed → keep, no step', { endpoints: [endpoint('ep_1'), endpoint('ep_x', { url: OTHER_URL })], stored: stored('ep_1') }, { steps: [], outcome: 'keep' }],
	[
		'stored, found on a later page among many others → keep',
		{ endpoints: [...Array.from({ length: 150 }, (_, n) => endpoint(`ep_o${n}`, { url: `${OTHER_URL}/${n}` })), endpoint('ep_1')], stored: stored('ep_1') },
		{ steps: [], outcome: 'keep' },
	],
	[
		'stored but vanished (deleted behind our back) → forget, create',
		{ endpoints: [endpoint('ep_x', { url: OTHER_URL })], stored: stored('ep_1') },
		{ steps: [{ step: 'forget', reason: 'gone' }], outcome: 'create' },
	],
	[
		'stored but vanished, an orphan on our URL → forget, adopt the orphan',
		{ endpoints: [endpoint('ep_2')], stored: stored('ep_1') },
		{
			steps: [
				{ step: 'forget', reason: 'gone' },
				{ step: 'adopt', endpointId: 'ep_2', url: URL, entityId: undefined, reason: 'orphan' },
			],
			outcome: 'keep',
		},
	],
	[
		'stored but disabled → delete it, forget, create',
		{ endpoints: [endpoint('ep_1', { status: 'disabled' })], stored: stored('ep_1') },
		{
			steps: [
				{ step: 'delete', endpointId: 'ep_1', reason: 'disabled' },
				{ step: 'forget', reason: 'replaced' },
			],
			outcome: 'create',
		},
	],
	[
		'stored for another entity (the Entity ID option changed) → delete it, forget, create',
		{ endpoints: [endpoint('ep_1', { entity_id: 'ent_a' })], stored: stored('ep_1', { entityId: 'ent_a' }), desired: wanted({ entityId: 'ent_b' }) },
		{
			steps: [
				{ step: 'delete', endpointId: 'ep_1', reason: 'otherEntity' },
				{ step: 'forget', reason: 'replaced' },
			],
			outcome: 'create',
		},
	],
	[
		'stored with an entity, list without entity_id: the stored entity counts → keep',
		{ endpoints: [unscoped('ep_1')], stored: stored('ep_1', { entityId: 'ent_1' }), desired: wanted({ entityId: 'ent_1' }) },
		{ steps: [], outcome: 'keep' },
	],
	[
		'stored with an entity, list without entity_id, entity changed → delete it, forget, create',
		{ endpoints: [unscoped('ep_1')], stored: stored('ep_1', { entityId: 'ent_1' }), desired: wanted({ entityId: 'ent_2' }) },
		{
			steps: [
				{ step: 'delete', endpointId: 'ep_1', reason: 'otherEntity' },
				{ step: 'forget', reason: 'replaced' },
			],
			outcome: 'create',
		},
	],
	[
		'stored, and duplicates on our URL → keep ours, delete each duplicate',
		{ endpoints: [endpoint('ep_2'), endpoint('ep_1'), endpoint('ep_3', { status: 'disabled' })], stored: stored('ep_1') },
		{
			steps: [
				{ step: 'delete', endpointId: 'ep_2', reason: 'duplicate' },
				{ step: 'delete', endpointId: 'ep_3', reason: 'disabled' },
			],
			outcome: 'keep',
		},
	],
	[
		'stored, events changed → patch the events (the whole list)',
		{ endpoints: [endpoint('ep_1')], stored: stored('ep_1'), desired: wanted({ events: ['video_translate.success'] }) },
		{ steps: [{ step: 'patch', endpointId: 'ep_1', changes: { events: ['video_translate.success'] }, url: URL }], outcome: 'keep' },
	],
	[
		'stored, events changed to all events → patch events: null',
		{ endpoints: [endpoint('ep_1')], stored: stored('ep_1'), desired: wanted({ events: null }) },
		{ steps: [{ step: 'patch', endpointId: 'ep_1', changes: { events: null }, url: URL }], outcome: 'keep' },
	],
	[
		'stored with all events, a list wanted → patch the events',
		{ endpoints: [endpoint('ep_1', { events: null })], stored: stored('ep_1') },
		{ steps: [{ step: 'patch', endpointId: 'ep_1', changes: { events: EVENTS }, url: URL }], outcome: 'keep' },
	],
	[
		'stored, the same events in another order → keep, no patch',
		{ endpoints: [endpoint('ep_1', { events: [...EVENTS].reverse() })], stored: stored('ep_1') },
		{ steps: [], outcome: 'keep' },
	],
	[
		'stored on an old URL (N8N_WEBHOOK_URL changed) → patch the URL, keeping the secret',
		{ endpoints: [endpoint('ep_1', { url: OLD_URL })], stored: stored('ep_1', { url: OLD_URL }) },
		{ steps: [{ step: 'patch', endpointId: 'ep_1', changes: { url: URL }, url: URL }], outcome: 'keep' },
	],
	[
		'stored on an old URL with other events, and another endpoint already on the new URL → delete that one, patch URL and events',
		{ endpoints: [endpoint('ep_1', { url: OLD_URL, events: null }), endpoint('ep_2')], stored: stored('ep_1', { url: OLD_URL }) },
		{
			steps: [
				{ step: 'delete', endpointId: 'ep_2', reason: 'duplicate' },
				{ step: 'patch', endpointId: 'ep_1', changes: { url: URL, events: EVENTS }, url: URL },
			],
			outcome: 'keep',
		},
	],
	// a secret that cannot be opened (the API key changed) counts as lost
	[
		'stored, but its secret does not open → forget, adopt it again by rotating',
		{ endpoints: [endpoint('ep_1')], stored: stored('ep_1'), secretOpens: false },
		{
			steps: [
				{ step: 'forget', reason: 'secretLost' },
				{ step: 'adopt', endpointId: 'ep_1', url: URL, entityId: undefined, reason: 'secretLost' },
			],
			outcome: 'keep',
		},
	],
	[
		'stored id without any secret → forget, adopt it again by rotating',
		{ endpoints: [endpoint('ep_1')], stored: { endpointId: 'ep_1', url: URL }, secretOpens: false },
		{
			steps: [
				{ step: 'forget', reason: 'secretLost' },
				{ step: 'adopt', endpointId: 'ep_1', url: URL, entityId: undefined, reason: 'secretLost' },
			],
			outcome: 'keep',
		},
	],
	[
		'secret does not open, and the endpoint is disabled → forget, delete it, create',
		{ endpoints: [endpoint('ep_1', { status: 'disabled' })], stored: stored('ep_1'), secretOpens: false },
		{
			steps: [
				{ step: 'forget', reason: 'secretLost' },
				{ step: 'delete', endpointId: 'ep_1', reason: 'disabled' },
			],
			outcome: 'create',
		},
	],
	[
		'secret does not open, endpoint on an old URL → forget, create (only endpoints on this URL are adopted or deleted)',
		{ endpoints: [endpoint('ep_1', { url: OLD_URL })], stored: stored('ep_1', { url: OLD_URL }), secretOpens: false },
		{ steps: [{ step: 'forget', reason: 'secretLost' }], outcome: 'create' },
	],
];

describe('planEndpoint', () => {
	it.each(cases)('%s', (_case, c, expected) => {
		expect(plan(c)).toEqual(expected);
	});

	it('reads its inputs without changing them', () => {
		const registered = stored('ep_1', { entityId: 'ent_a' });
		const endpoints = [endpoint('ep_1', { entity_id: 'ent_a', url: OLD_URL }), endpoint('ep_2')];
		const before = JSON.stringify({ registered, endpoints });
		plan({ endpoints, stored: registered, desired: wanted({ entityId: 'ent_b' }) });
		expect(JSON.stringify({ registered, endpoints })).toBe(before);
	});

	it.each(cases)('converges (%s): once its steps ran against HeyGen and static data, the plan is to keep what is there', (_name, c) => {
		const desired = c.desired ?? wanted();
		const { endpoints, stored: after } = applyPlan(plan(c), c.endpoints, c.stored ?? {}, desired);
		expect(plan({ endpoints, stored: after, secretOpens: true, desired })).toEqual({ steps: [], outcome: 'keep' });
		// Exactly one endpoint on the URL, and it is the stored one.
		expect(endpoints.filter((listed) => listed.url === desired.url).map((listed) => listed.endpoint_id)).toEqual([after.endpointId]);
	});
});

/**
 * What endpointLifecycle.ts does with a plan, against a list standing in for HeyGen's: each step,
 * then create() when the outcome says so.
 */
function applyPlan(
	result: EndpointPlan,
	listed: WebhookEndpoint[],
	storedBefore: RegisteredEndpoint,
	desired: DesiredEndpoint,
): { endpoints: WebhookEndpoint[]; stored: RegisteredEndpoint } {
	let endpoints = listed.map((entry) => ({ ...entry }));
	let registered: RegisteredEndpoint = { ...storedBefore };
	for (const step of result.steps) {
		switch (step.step) {
			case 'forget':
				registered = {};
				break;
			case 'delete':
				endpoints = endpoints.filter((entry) => entry.endpoint_id !== step.endpointId);
				break;
			case 'adopt':
				registered = { endpointId: step.endpointId, sealedSecret: 'v1.rotated', url: step.url, entityId: step.entityId };
				break;
			case 'patch':
				endpoints = endpoints.map((entry) => (entry.endpoint_id === step.endpointId ? { ...entry, ...step.changes } : entry));
				registered.url = step.url;
				break;
		}
	}
	if (result.outcome === 'create') {
		endpoints.push(endpoint('ep_created', { url: desired.url, events: desired.events, entity_id: desired.entityId ?? null }));
		registered = { endpointId: 'ep_created', sealedSecret: 'v1.new', url: desired.url, entityId: desired.entityId };
	}
	return { endpoints, stored: registered };
}
