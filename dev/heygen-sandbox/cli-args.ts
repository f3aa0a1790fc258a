// Argument parsing for the sandbox CLI, kept apart from I/O so it can be unit-tested.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { FaultMode, FaultSpec } from './types';

export const DEFAULT_SANDBOX_URL = 'http://127.0.0.1:4010';

export const USAGE = `HeyGen webhook sandbox (local simulator of HeyGen's v3 webhook API and its jobs)

Usage: npx tsx dev/heygen-sandbox/cli.ts <command> [options]      (or: npm run sandbox -- <command> ...)

Server:
  serve [--port 4010] [--host 127.0.0.1] [--api-key K ...] [--retry-schedule 50,100,200]
        [--delivery-timeout MS] [--probe-timeout MS] [--event-types-page-size N]
        [--allow-http-host HOST ...] [--job-duration MS] [--quiet]
      Start the sandbox (--port 0 picks a free port). Each --api-key is a separate account.
      Jobs (videos, translations) end by themselves after --job-duration ms (default 20000;
      0: only through "job complete" / "job fail").

Client commands (talk to a running sandbox at --sandbox URL, or $HEYGEN_SANDBOX_URL,
default ${DEFAULT_SANDBOX_URL}):
  send <event_type> [--callback-id X] [--entity-id E] [--data '{"k":"v"}'] [--api-key K] [--wait MS]
      Fire an event (event_data = realistic sample merged with --data) and show delivery results.
  fault --path P [--method POST] [--mode status|hang|reset] [--status 500] [--count 1]
        [--retry-after SECONDS] [--body JSON]
      Make the next --count matching API calls fail (path may be a prefix ending in *).
  faults [--clear]                List (or clear) pending faults.
  endpoints [--api-key K]         Registered endpoints, with secrets.
  enable <endpoint_id> | disable <endpoint_id>
  events [--api-key K]            Fired events, newest first.
  deliveries [--event-id X] [--endpoint-id Y] [--job-id J] [--kind endpoint|callback]
  job create video [--type avatar|image|studio|cinematic_avatar] [--avatar-id A]
        [--callback-url U] [--callback-id C] [--duration MS] [--api-key K]
  job create translation --languages Spanish,French [--callback-url U] [--callback-id C]
        [--duration MS] [--api-key K]
      Create a job as POST /v3/videos or /v3/video-translations would (one job per language);
      --duration overrides the sandbox's job duration for it (0: only when told to).
  jobs [--api-key K] [--status S]  Jobs of every account (or of --api-key), oldest first.
  job start <job_id>              Move a pending job to processing (video) / running (translation).
  job complete <job_id>           End a job now: fires its event to endpoints and its callback.
  job fail <job_id> [--message M] [--code C]
      End a job now, failed (failure_message / failure_code), with its event and callback.
  calls [--method M] [--path P]   Logged API calls.
  add-account --api-key K         Add an account.
  add-event-type <event_type> [--description D]
  oauth-client <client_id> --redirect-uri URL [--redirect-uri URL ...] [--client-secret S] [--api-key K]
      Register an OAuth client (its consent gives the account of --api-key, default the first).
  oauth [--expire-tokens]         OAuth clients and log; --expire-tokens expires every access token now.
  health | reset | help
`;

export class UsageError extends Error {}

type Common = { sandbox: string };

export type Command =
	| { name: 'help' }
	| {
			name: 'serve';
			port: number;
			host: string;
			apiKeys: string[];
			retryScheduleMs?: number[];
			deliveryTimeoutMs?: number;
			probeTimeoutMs?: number;
			eventTypesPageSize?: number;
			allowHttpHosts: string[];
			jobDurationMs?: number;
			quiet: boolean;
	  }
	| (Common & {
			name: 'send';
			eventType: string;
			callbackId?: string;
			entityId?: string;
			data?: Record<string, unknown>;
			apiKey?: string;
			waitMs: number;
	  })
	| (Common & { name: 'fault'; spec: FaultSpec })
	| (Common & { name: 'faults'; clear: boolean })
	| (Common & { name: 'endpoints' | 'events'; apiKey?: string })
	| (Common & { name: 'enable' | 'disable'; endpointId: string })
	| (Common & { name: 'deliveries'; eventId?: string; endpointId?: string; jobId?: string; kind?: 'endpoint' | 'callback' })
	| (Common & {
			name: 'job-create';
			jobType: 'video' | 'video_translation';
			videoType?: string;
			avatarId?: string;
			languages?: string[];
			callbackUrl?: string;
			callbackId?: string;
			durationMs?: number;
			apiKey?: string;
	  })
	| (Common & { name: 'job-start' | 'job-complete' | 'job-fail'; jobId: string; message?: string; code?: string })
	| (Common & { name: 'jobs'; apiKey?: string; status?: string })
	| (Common & { name: 'calls'; method?: string; path?: string })
	| (Common & { name: 'add-account'; apiKey: string })
	| (Common & { name: 'add-event-type'; eventType: string; description: string })
	| (Common & { name: 'oauth-client'; clientId: string; redirectUris: string[]; clientSecret?: string; apiKey?: string })
	| (Common & { name: 'oauth'; expireTokens: boolean })
	| (Common & { name: 'health' | 'reset' });

type Options = NonNullable<ParseArgsConfig['options']>;
const str = { type: 'string' } as const;
const sandboxOpt: Options = { sandbox: str };

const SPECS: Record<string, Options> = {
	serve: {
		port: str,
		host: str,
		'api-key': { type: 'string', multiple: true },
		'retry-schedule': str,
		'delivery-timeout': str,
		'probe-timeout': str,
		'event-types-page-size': str,
		'allow-http-host': { type: 'string', multiple: true },
		'job-duration': str,
		quiet: { type: 'boolean' },
	},
	send: { ...sandboxOpt, 'callback-id': str, 'entity-id': str, data: str, 'api-key': str, wait: str },
	fault: {
		...sandboxOpt,
		method: str,
		path: str,
		mode: str,
		status: str,
		count: str,
		'retry-after': str,
		body: str,
	},
	faults: { ...sandboxOpt, clear: { type: 'boolean' } },
	endpoints: { ...sandboxOpt, 'api-key': str },
	events: { ...sandboxOpt, 'api-key': str },
	enable: sandboxOpt,
	disable: sandboxOpt,
	deliveries: { ...sandboxOpt, 'event-id': str, 'endpoint-id': str, 'job-id': str, kind: str },
	jobs: { ...sandboxOpt, 'api-key': str, status: str },
	'job create': {
		...sandboxOpt,
		type: str,
		'avatar-id': str,
		languages: str,
		'callback-url': str,
		'callback-id': str,
		duration: str,
		'api-key': str,
	},
	'job start': sandboxOpt,
	'job complete': sandboxOpt,
	'job fail': { ...sandboxOpt, message: str, code: str },
	calls: { ...sandboxOpt, method: str, path: str },
	'add-account': { ...sandboxOpt, 'api-key': str },
	'add-event-type': { ...sandboxOpt, description: str },
	'oauth-client': {
		...sandboxOpt,
		'redirect-uri': { type: 'string', multiple: true },
		'client-secret': str,
		'api-key': str,
	},
	oauth: { ...sandboxOpt, 'expire-tokens': { type: 'boolean' } },
	health: sandboxOpt,
	reset: sandboxOpt,
};

function int(value: string | undefined, flag: string, min = 0): number | undefined {
	if (value === undefined) return undefined;
	if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${flag} must be an integer >= ${min}`);
	return Number(value);
}

function num(value: string | undefined, flag: string): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--${flag} must be a non-negative number`);
	return n;
}

function json(value: string | undefined, flag: string): unknown {
	if (value === undefined) return undefined;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		throw new UsageError(`--${flag} must be valid JSON`);
	}
}

export function parseCommand(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Command {
	const [first, ...afterFirst] = argv;
	if (first === undefined || first === 'help' || first === '--help' || first === '-h') return { name: 'help' };
	// `job <action>`: each action has options of its own, as a command would.
	const [name, rest] = first === 'job' ? [`job ${afterFirst[0] ?? ''}`, afterFirst.slice(1)] : [first, afterFirst];
	const spec = SPECS[name];
	if (!spec && first === 'job') throw new UsageError('job needs an action: create, start, complete or fail');
	if (!spec) throw new UsageError(`Unknown command: ${name}`);

	let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
	let positionals: string[];
	try {
		({ values, positionals } = parseArgs({ args: [...rest], options: spec, allowPositionals: true, strict: true }));
	} catch (err) {
		throw new UsageError(err instanceof Error ? err.message : String(err));
	}
	const s = (key: string): string | undefined => {
		const v = values[key];
		return typeof v === 'string' ? v : undefined;
	};
	const list = (key: string): string[] => {
		const v = values[key];
		return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
	};
	const positional = (what: string, count = 1): string[] => {
		if (positionals.length !== count) {
			throw new UsageError(count === 0 ? `${name} takes no positional arguments` : `${name} needs ${what}`);
		}
		return positionals;
	};
	const sandbox = s('sandbox') ?? env.HEYGEN_SANDBOX_URL ?? DEFAULT_SANDBOX_URL;

	switch (name) {
		case 'serve': {
			positional('', 0);
			const schedule = s('retry-schedule');
			return {
				name,
				port: int(s('port'), 'port') ?? 4010,
				host: s('host') ?? '127.0.0.1',
				apiKeys: list('api-key').length > 0 ? list('api-key') : ['sandbox-api-key'],
				retryScheduleMs:
					schedule === undefined
						? undefined
						: schedule === ''
							? []
							: schedule.split(',').map((part) => int(part.trim(), 'retry-schedule') as number),
				deliveryTimeoutMs: int(s('delivery-timeout'), 'delivery-timeout', 1),
				probeTimeoutMs: int(s('probe-timeout'), 'probe-timeout', 1),
				eventTypesPageSize: int(s('event-types-page-size'), 'event-types-page-size', 1),
				allowHttpHosts: list('allow-http-host'),
				jobDurationMs: int(s('job-duration'), 'job-duration'),
				quiet: values.quiet === true,
			};
		}
		case 'send': {
			const [eventType] = positional('an <event_type>');
			const data = json(s('data'), 'data');
			if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) {
				throw new UsageError('--data must be a JSON object');
			}
			return {
				name,
				sandbox,
				eventType,
				callbackId: s('callback-id'),
				entityId: s('entity-id'),
				data: data as Record<string, unknown> | undefined,
				apiKey: s('api-key'),
				waitMs: int(s('wait'), 'wait') ?? 3000,
			};
		}
		case 'fault': {
			positional('', 0);
			const path = s('path');
			if (!path) throw new UsageError('fault needs --path (exact, or a prefix ending in *)');
			const mode = s('mode') ?? 'status';
			if (mode !== 'status' && mode !== 'hang' && mode !== 'reset') {
				throw new UsageError('--mode must be status, hang or reset');
			}
			return {
				name,
				sandbox,
				spec: {
					method: s('method'),
					path,
					mode: mode as FaultMode,
					status: int(s('status'), 'status', 400),
					count: int(s('count'), 'count', 1),
					retryAfter: num(s('retry-after'), 'retry-after'),
					body: json(s('body'), 'body'),
				},
			};
		}
		case 'faults':
			positional('', 0);
			return { name, sandbox, clear: values.clear === true };
		case 'endpoints':
		case 'events':
			positional('', 0);
			return { name, sandbox, apiKey: s('api-key') };
		case 'enable':
		case 'disable': {
			const [endpointId] = positional('an <endpoint_id>');
			return { name, sandbox, endpointId };
		}
		case 'deliveries': {
			positional('', 0);
			const kind = s('kind');
			if (kind !== undefined && kind !== 'endpoint' && kind !== 'callback') throw new UsageError('--kind must be endpoint or callback');
			return { name, sandbox, eventId: s('event-id'), endpointId: s('endpoint-id'), jobId: s('job-id'), kind };
		}
		case 'jobs':
			positional('', 0);
			return { name, sandbox, apiKey: s('api-key'), status: s('status') };
		case 'job create': {
			const [kind] = positional('a kind: video or translation');
			const languages = s('languages')
				?.split(',')
				.map((language) => language.trim())
				.filter((language) => language !== '');
			const common = {
				name: 'job-create' as const,
				sandbox,
				callbackUrl: s('callback-url'),
				callbackId: s('callback-id'),
				durationMs: int(s('duration'), 'duration'),
				apiKey: s('api-key'),
			};
			if (kind === 'video') {
				if (languages !== undefined) throw new UsageError('--languages is for translation jobs');
				return { ...common, jobType: 'video', videoType: s('type'), avatarId: s('avatar-id') };
			}
			if (kind !== 'translation') throw new UsageError('job create needs a kind: video or translation');
			if (!languages || languages.length === 0) throw new UsageError('job create translation needs --languages (comma-separated)');
			if (s('type') !== undefined || s('avatar-id') !== undefined) throw new UsageError('--type and --avatar-id are for video jobs');
			return { ...common, jobType: 'video_translation', languages };
		}
		case 'job start':
		case 'job complete':
		case 'job fail': {
			const [jobId] = positional('a <job_id>');
			const action = name.slice('job '.length) as 'start' | 'complete' | 'fail';
			return { name: `job-${action}`, sandbox, jobId, message: s('message'), code: s('code') };
		}
		case 'calls':
			positional('', 0);
			return { name, sandbox, method: s('method'), path: s('path') };
		case 'add-account': {
			positional('', 0);
			const apiKey = s('api-key');
			if (!apiKey) throw new UsageError('add-account needs --api-key');
			return { name, sandbox, apiKey };
		}
		case 'add-event-type': {
			const [eventType] = positional('an <event_type>');
			return { name, sandbox, eventType, description: s('description') ?? '' };
		}
		case 'oauth-client': {
			const [clientId] = positional('a <client_id>');
			const redirectUris = (values['redirect-uri'] as string[] | undefined) ?? [];
			if (redirectUris.length === 0) throw new UsageError('oauth-client needs --redirect-uri');
			return { name, sandbox, clientId, redirectUris, clientSecret: s('client-secret'), apiKey: s('api-key') };
		}
		case 'oauth':
			positional('', 0);
			return { name, sandbox, expireTokens: values['expire-tokens'] === true };
		default:
			positional('', 0);
			return { name: name as 'health' | 'reset', sandbox };
	}
}
