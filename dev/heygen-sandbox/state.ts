// In-memory data of the sandbox: accounts (one per API key, fully separate), their endpoints,
// fired events and jobs, plus the event-type catalogue (built-ins and types added at run time).
import { BUILT_IN_EVENT_TYPES } from '../../nodes/shared/eventCatalogue';
import { sampleEventData } from './catalogue';
import type { DeliveryEngine } from './delivery';
import { newEventId } from './ids';
import type {
	AccountInfo,
	EndpointRecord,
	EventTypeInfo,
	FireEventInput,
	FiredEvent,
	JobRecord,
	StoredEndpoint,
	StoredEvent,
	StoredJob,
} from './types';

export interface UserProfile {
	username: string;
	email: string;
	first_name: string;
	last_name: string;
}

export interface Account {
	/** Used in logs instead of the key, which is never logged. */
	name: string;
	apiKey: string;
	/** Keys issued later for the same account (HeyGen lets a user regenerate the key). */
	moreApiKeys: string[];
	user: UserProfile;
	endpoints: Map<string, StoredEndpoint>;
	events: StoredEvent[];
	/** Videos and video translations, by id. */
	jobs: Map<string, StoredJob>;
}

/** What a state file holds (see `stateFile` in types.ts): the accounts and everything in them. */
export interface StateSnapshot {
	version: 1;
	seq: number;
	extraTypes: EventTypeInfo[];
	/** `jobs` is absent from files written before jobs existed. */
	accounts: Array<Omit<Account, 'endpoints' | 'jobs'> & { endpoints: StoredEndpoint[]; jobs?: StoredJob[] }>;
}

export function publicEndpoint(endpoint: StoredEndpoint, withSecret: boolean): EndpointRecord {
	return {
		endpoint_id: endpoint.endpoint_id,
		url: endpoint.url,
		events: endpoint.events === null ? null : [...endpoint.events],
		entity_id: endpoint.entity_id,
		status: endpoint.status,
		created_at: endpoint.created_at,
		// Lists and updates hide the secret (null), as HeyGen does; create shows it once.
		secret: withSecret ? endpoint.secret : null,
	};
}

export class SandboxState {
	readonly accounts: Account[] = [];
	private extraTypes: EventTypeInfo[] = [];
	private seq = 0;

	constructor(private readonly deliveries: DeliveryEngine) {}

	nextSeq(): number {
		this.seq += 1;
		return this.seq;
	}

	addAccount(apiKey: string): Account {
		if (typeof apiKey !== 'string' || apiKey === '') throw new Error('api_key must be a non-empty string');
		const existing = this.accountByKey(apiKey);
		if (existing) return existing;
		const n = this.accounts.length + 1;
		const account: Account = {
			name: `account_${n}`,
			apiKey,
			moreApiKeys: [],
			user: {
				username: `sandbox_user_${n}`,
				email: `sandbox${n}@example.com`,
				first_name: 'Sandbox',
				last_name: `User ${n}`,
			},
			endpoints: new Map(),
			events: [],
			jobs: new Map(),
		};
		this.accounts.push(account);
		return account;
	}

	accountByKey(apiKey: string): Account | undefined {
		return this.accounts.find((a) => a.apiKey === apiKey || a.moreApiKeys.includes(apiKey));
	}

	/** The account for a key, or the first account when no key is given. */
	resolveAccount(apiKey?: string | null): Account {
		if (apiKey === undefined || apiKey === null || apiKey === '') {
			const first = this.accounts[0];
			if (!first) throw new Error('the sandbox has no accounts');
			return first;
		}
		const account = this.accountByKey(apiKey);
		if (!account) throw new Error('unknown api_key (add it with addAccount / POST /_sandbox/accounts)');
		return account;
	}

	accountInfo(account: Account): AccountInfo {
		return {
			name: account.name,
			username: account.user.username,
			email: account.user.email,
			endpoints: account.endpoints.size,
			events: account.events.length,
		};
	}

	eventTypes(): EventTypeInfo[] {
		return [...BUILT_IN_EVENT_TYPES, ...this.extraTypes].map((t) => ({ ...t }));
	}

	isKnownEventType(eventType: string): boolean {
		return this.eventTypes().some((t) => t.event_type === eventType);
	}

	addEventType(eventType: string, description: string): EventTypeInfo {
		if (typeof eventType !== 'string' || eventType.trim() === '') throw new Error('event_type must be a non-empty string');
		const info = { event_type: eventType, description: typeof description === 'string' ? description : '' };
		if (!this.isKnownEventType(eventType)) this.extraTypes.push(info);
		return { ...info };
	}

	findEndpoint(endpointId: string): { account: Account; endpoint: StoredEndpoint } | undefined {
		for (const account of this.accounts) {
			const endpoint = account.endpoints.get(endpointId);
			if (endpoint) return { account, endpoint };
		}
		return undefined;
	}

	lookupEndpoint(accountName: string, endpointId: string): StoredEndpoint | undefined {
		return this.accounts.find((a) => a.name === accountName)?.endpoints.get(endpointId);
	}

	/**
	 * Records the event and delivers it to every matching endpoint. `job`: the job whose end fires
	 * it, noted on the deliveries; its callback_url, when set, gets the event too.
	 */
	fireEvent(input: FireEventInput, job: Pick<JobRecord, 'job_id' | 'callback_url'> | null = null): FiredEvent {
		if (typeof input.event_type !== 'string' || input.event_type === '') {
			throw new Error('event_type must be a non-empty string');
		}
		const account = this.resolveAccount(input.apiKey);
		const entityId = input.entity_id ?? null;
		const event: StoredEvent = {
			seq: this.nextSeq(),
			event_id: newEventId(),
			event_type: input.event_type,
			event_data: sampleEventData(input.event_type, input.callback_id ?? null, input.event_data ?? {}),
			entity_id: entityId,
			created_at: new Date().toISOString(),
		};
		account.events.push(event);
		const matched = [...account.endpoints.values()]
			.sort((a, b) => a.seq - b.seq)
			.filter(
				(ep) =>
					ep.status === 'enabled' &&
					(ep.events === null || ep.events.includes(event.event_type)) &&
					(ep.entity_id === null || ep.entity_id === entityId),
			);
		for (const ep of matched) this.deliveries.deliver(account.name, event, ep.endpoint_id, job?.job_id ?? null);
		// The callback gets the event whatever the endpoints subscribe to: it belongs to the job.
		if (job?.callback_url) this.deliveries.deliverCallback(account.name, event, job.callback_url, job.job_id);
		return {
			event_id: event.event_id,
			event_type: event.event_type,
			event_data: event.event_data,
			entity_id: entityId,
			created_at: event.created_at,
			account: account.name,
			matched_endpoints: matched.map((ep) => ep.endpoint_id),
		};
	}

	snapshot(): StateSnapshot {
		return {
			version: 1,
			seq: this.seq,
			extraTypes: this.extraTypes.map((type) => ({ ...type })),
			accounts: this.accounts.map((account) => ({
				...account,
				endpoints: [...account.endpoints.values()],
				jobs: [...account.jobs.values()],
			})),
		};
	}

	/** Replaces the accounts with a snapshot's (accounts it lacks, added since, are kept). */
	restore(snapshot: StateSnapshot): void {
		if (snapshot.version !== 1) throw new Error(`unknown sandbox state version ${String(snapshot.version)}`);
		const restored = snapshot.accounts.map((account) => ({
			...account,
			endpoints: new Map(account.endpoints.map((endpoint) => [endpoint.endpoint_id, endpoint])),
			jobs: new Map((account.jobs ?? []).map((job) => [job.job_id, job])),
		}));
		const added = this.accounts.filter((account) => !restored.some((saved) => saved.apiKey === account.apiKey));
		this.accounts.length = 0;
		this.accounts.push(...restored, ...added);
		this.extraTypes = snapshot.extraTypes;
		this.seq = snapshot.seq;
	}

	/** Clears everything but the accounts themselves. */
	reset(): void {
		for (const account of this.accounts) {
			account.endpoints.clear();
			account.events.length = 0;
			account.jobs.clear();
		}
		this.extraTypes = [];
	}
}
