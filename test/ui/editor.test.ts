import * as fs from 'fs';
import * as path from 'path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

import { HeyGenSandbox } from '../../dev/heygen-sandbox/server';
import { createTriggerWorkflow, TRIGGER_NAME } from '../../dev/n8n/heygen';
import { ACTION_TYPE, CREDENTIAL_TYPE, N8nInstance, OWNER } from '../../dev/n8n/n8n';

/**
 * The editor in a real browser (Debian's Chromium driven by playwright-core), against an n8n set
 * up like `npm start` sets it up: the sandbox, a "HeyGen (sandbox)" credential, an example trigger
 * workflow. Every step saves a screenshot under test-results/ui/; a failing step is named in the
 * error and leaves a screenshot of what the browser showed.
 */

const SHOTS = path.join(__dirname, '..', '..', 'test-results', 'ui');
const API_KEY = 'sandbox-api-key';
/** Only the live list from the sandbox has it: the dropdown proves it was loaded from there. */
const PROBE_EVENT = 'ui_probe.ready';
const STEP_TIMEOUT_MS = 20_000;

let shotIndex = 0;

/** Runs one named step; screenshots it, and names it (with a screenshot) when it fails. */
async function step(page: Page, name: string, run: () => Promise<void>): Promise<void> {
	const file = `${String(++shotIndex).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
	try {
		await run();
	} catch (error) {
		await page.screenshot({ path: path.join(SHOTS, `${file}-FAILED.png`) }).catch(() => undefined);
		throw new Error(`UI step "${name}" failed: ${(error as Error).message}`);
	}
	await page.screenshot({ path: path.join(SHOTS, `${file}.png`) });
}

const byTestId = (scope: Page | Locator, id: string) => scope.locator(`[data-test-id="${id}"]`);

/** Repeats `attempt` until it succeeds, for at most the step timeout. */
async function until(what: string, attempt: () => Promise<void>): Promise<void> {
	const deadline = Date.now() + STEP_TIMEOUT_MS;
	for (;;) {
		try {
			return await attempt();
		} catch (error) {
			if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${(error as Error).message}`);
		}
	}
}

async function visible(locator: Locator, timeout = STEP_TIMEOUT_MS): Promise<void> {
	await locator.first().waitFor({ state: 'visible', timeout });
}

describe('n8n editor with the HeyGen nodes (Chromium)', () => {
	let sandbox: HeyGenSandbox;
	let n8n: N8nInstance;
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;
	let apiCredential: { id: string; name: string };
	let oauthCredential: { id: string; name: string };
	let triggerWorkflowId: string;
	let actionWorkflowId: string;

	beforeAll(async () => {
		fs.rmSync(SHOTS, { recursive: true, force: true });
		fs.mkdirSync(SHOTS, { recursive: true });
		sandbox = await HeyGenSandbox.start({ apiKeys: [API_KEY], retryScheduleMs: [] });
		sandbox.addEventType(PROBE_EVENT, 'Only the sandbox knows this one');
		n8n = await N8nInstance.start();
		sandbox.registerOAuthClient({
			client_id: 'n8n-ui-client',
			redirect_uris: [`${n8n.baseUrl}/rest/oauth2-credential/callback`],
			api_key: API_KEY,
		});
		apiCredential = await n8n.createCredential({ apiKey: API_KEY, baseUrl: sandbox.url });
		oauthCredential = await n8n.createOAuth2Credential({
			environment: 'custom',
			customAuthUrl: `${sandbox.url}/oauth/authorize`,
			customAccessTokenUrl: `${sandbox.url}/v1/oauth/token`,
			clientId: 'n8n-ui-client',
			clientSecret: '',
			baseUrl: sandbox.url,
		});
		triggerWorkflowId = (await createTriggerWorkflow(n8n, apiCredential, {}, 2, 'UI: HeyGen Trigger')).id;
		actionWorkflowId = (
			await n8n.createWorkflow({
				name: 'UI: HeyGen action',
				nodes: [
					{
						name: 'HeyGen',
						type: ACTION_TYPE,
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
						credentials: { [CREDENTIAL_TYPE]: apiCredential },
					},
				],
			})
		).id;
		browser = await chromium.launch({
			executablePath: process.env.HEYGEN_UI_CHROMIUM,
			args: ['--no-sandbox', '--disable-dev-shm-usage'],
		});
		context = await browser.newContext({ baseURL: n8n.baseUrl, viewport: { width: 1440, height: 900 } });
		context.setDefaultTimeout(STEP_TIMEOUT_MS);
		page = await context.newPage();
	});

	afterAll(async () => {
		await browser?.close();
		await n8n?.dispose();
		await sandbox?.stop();
	});

	async function openNode(workflowId: string, nodeName: string): Promise<void> {
		await page.goto(`/workflow/${workflowId}`);
		const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
		await visible(node);
		await node.dblclick();
		await visible(byTestId(page, 'ndv'));
	}

	async function chooseOption(parameter: string, option: string | RegExp): Promise<void> {
		await byTestId(page, `parameter-input-${parameter}`).first().click();
		await page.getByRole('option', { name: option }).first().click();
	}

	async function closeNdv(): Promise<void> {
		await page.locator('[data-test-id="ndv"] [aria-label="Close"], [data-test-id="ndv-close-button"]').first().click();
		await byTestId(page, 'ndv').first().waitFor({ state: 'hidden' });
	}

	it('logs in', async () => {
		await step(page, 'log in', async () => {
			await page.goto('/signin');
			await byTestId(page, 'emailOrLdapLoginId').locator('input').fill(OWNER.email);
			await byTestId(page, 'password').locator('input').fill(OWNER.password);
			await byTestId(page, 'form-submit-button').click();
			await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
		});
	});

	it('finds both HeyGen nodes, with their icons, by searching the node panel', async () => {
		await step(page, 'node panel search', async () => {
			await page.goto('/workflow/new');
			await byTestId(page, 'canvas-add-button').first().click();
			await byTestId(page, 'node-creator-search-bar').fill('HeyGen');
			// n8n lists a package's trigger and action node as one entry, named after the node.
			const entry = byTestId(page, 'node-creator').locator('[data-test-id="node-creator-item-name"]', { hasText: /^HeyGen$/ });
			await visible(entry);
			await visible(byTestId(page, 'node-creator').locator('img[src*="heygen"]'));
		});
		await step(page, 'node panel trigger and actions', async () => {
			await byTestId(page, 'node-creator').locator('[data-test-id="node-creator-item-name"]', { hasText: /^HeyGen$/ }).first().click();
			// Inside: the trigger, and the action node's operations.
			await visible(byTestId(page, 'node-creator').getByText('On new HeyGen event'));
			await visible(byTestId(page, 'node-creator').getByText(/^Actions \(\d+\)$/));
			await page.keyboard.press('Escape');
		});
	});

	it('opens the trigger and sees the event list loaded from the sandbox, with labels', async () => {
		await step(page, 'trigger event list', async () => {
			await openNode(triggerWorkflowId, TRIGGER_NAME);
			const events = byTestId(page, 'parameter-input-events').first();
			const option = (label: string) => page.locator('.el-select-dropdown__item').filter({ hasText: label });
			// The select stays disabled while n8n loads the options: a click before that does nothing.
			await until('the Events dropdown to open', async () => {
				await events.click();
				await option('Avatar Video Success').first().waitFor({ state: 'visible', timeout: 2_000 });
			});
			await visible(option('Ui Probe Ready'));
			expect(sandbox.calls({ path: '/v3/webhooks/event-types' }).some((call) => call.status === 200)).toBe(true);
		});
		await page.keyboard.press('Escape');
		await closeNdv();
	});

	it('walks the action node from resource to operation', async () => {
		await step(page, 'action resource and operation', async () => {
			await openNode(actionWorkflowId, 'HeyGen');
			await chooseOption('resource', 'Event Type');
			await chooseOption('operation', /Get Many/);
			await chooseOption('resource', 'Webhook Endpoint');
			await chooseOption('operation', /Rotate/);
			await visible(byTestId(page, 'ndv').getByText('Webhook Endpoint', { exact: true }));
			await visible(byTestId(page, 'ndv').getByText(/The old secret stops working immediately/));
		});
		await closeNdv();
	});

	it('tests the API-key credential: success, then a wrong key fails with HeyGen\'s reason', async () => {
		const modal = byTestId(page, 'credential-edit-dialog');
		const apiKeyInput = byTestId(modal, 'parameter-input-apiKey').locator('input');
		// The dialog's header (with Save) sits outside the element that carries the test id.
		const save = page.getByRole('button', { name: 'Save', exact: true });
		// n8n tests a saved credential when its dialog opens, and again on every save.
		await step(page, 'credential test success', async () => {
			await page.goto(`/home/credentials/${apiCredential.id}`);
			await visible(modal.getByText('Connection tested successfully'));
		});
		await step(page, 'credential test wrong key', async () => {
			await apiKeyInput.fill('wrong-key');
			await save.click();
			await visible(modal.getByText('Couldn’t connect with these settings'));
			await modal.getByText('More details').first().click();
			await visible(page.getByText(/HeyGen rejected the API key/));
		});
		await step(page, 'credential test key restored', async () => {
			await apiKeyInput.fill(API_KEY);
			await save.click();
			await visible(modal.getByText('Connection tested successfully'));
		});
		await page.keyboard.press('Escape');
	});

	it('connects the OAuth2 credential through the HeyGen consent page', async () => {
		await step(page, 'oauth redirect url', async () => {
			await page.goto(`/home/credentials/${oauthCredential.id}`);
			const modal = byTestId(page, 'credential-edit-dialog');
			// The redirect URL n8n shows is the one HeyGen must know for the client.
			await visible(modal.getByText(`${n8n.baseUrl}/rest/oauth2-credential/callback`));
			await visible(byTestId(modal, 'oauth-not-connected-banner'));
			await modal.screenshot({ path: path.join(SHOTS, 'oauth2-credential-dialog.png') });
		});
		await step(page, 'oauth consent and connected', async () => {
			const modal = byTestId(page, 'credential-edit-dialog');
			const connect = byTestId(modal, 'oauth-not-connected-banner').getByRole('button');
			const [popup] = await Promise.all([context.waitForEvent('page'), connect.first().click()]);
			await popup.waitForLoadState();
			await visible(byTestId(popup, 'heygen-consent-approve'));
			await popup.screenshot({ path: path.join(SHOTS, `${String(shotIndex).padStart(2, '0')}-consent-page.png`) });
			await byTestId(popup, 'heygen-consent-approve').click();
			await visible(byTestId(modal, 'oauth-connect-success-banner'));
		});
		await byTestId(page, 'credential-edit-dialog').screenshot({ path: path.join(SHOTS, 'oauth2-credential-connected.png') });
		await page.keyboard.press('Escape');
	});

	it('listens for a test event, fires one from the sandbox and sees the output item', async () => {
		await step(page, 'test event output', async () => {
			await openNode(triggerWorkflowId, TRIGGER_NAME);
			await byTestId(page, 'node-execute-button').first().click();
			// The listener registers its test URL with the sandbox first.
			const endpoint = await waitForTestEndpoint();
			const fired = sandbox.fireEvent({ apiKey: API_KEY, event_type: 'avatar_video.success', callback_id: 'ui-test' });
			expect(fired.matched_endpoints).toContain(endpoint);
			const output = byTestId(page, 'output-panel');
			await visible(output.getByText(fired.event_id), 30_000);
		});
		await closeNdv();
	});

	it('shows the dark icon in the dark theme', async () => {
		await step(page, 'dark theme icon', async () => {
			await page.goto(`/workflow/${triggerWorkflowId}?theme=dark`);
			const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${TRIGGER_NAME}"]`);
			await visible(node.locator('img[src*="heygen.dark"]'));
		});
	});

	async function waitForTestEndpoint(): Promise<string> {
		const deadline = Date.now() + STEP_TIMEOUT_MS;
		while (Date.now() < deadline) {
			const endpoint = sandbox.listEndpoints(API_KEY).find((e) => e.url.includes('/webhook-test/'));
			if (endpoint) return endpoint.endpoint_id;
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		throw new Error('the test listener registered no endpoint with the sandbox');
	}
});
