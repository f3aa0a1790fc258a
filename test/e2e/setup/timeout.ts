// n8n start-up and real deliveries take longer than jest's 5 s default.
jest.setTimeout(180_000);
