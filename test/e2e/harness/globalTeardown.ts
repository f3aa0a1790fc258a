// Each suite stops its own n8n and sandbox; nothing global is left running.
export default async function globalTeardown(): Promise<void> {}
