// `npm test` runs unit + sandbox + workflow (n8n-core in-process); `npm run test:e2e` runs e2e against a real n8n;
// `npm run test:ui` runs ui: the editor in Debian's Chromium (playwright-core) against a real n8n;
// `npm run test:e2e:queue` runs e2e-queue against n8n in queue mode (Postgres, Redis, 4 processes).
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...base, displayName: 'sandbox', testMatch: ['<rootDir>/test/sandbox/**/*.test.ts'] },
    { ...base, displayName: 'workflow', testMatch: ['<rootDir>/test/workflow/**/*.test.ts'] },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/setup/globalSetup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/e2e/setup/timeout.ts'],
    },
    {
      ...base,
      displayName: 'e2e-queue',
      testMatch: ['<rootDir>/test/e2e-queue/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/setup/globalSetup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/e2e/setup/timeout.ts'],
    },
    {
      ...base,
      displayName: 'ui',
      testMatch: ['<rootDir>/test/ui/**/*.test.ts'],
      globalSetup: '<rootDir>/test/ui/setup/globalSetup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/e2e/setup/timeout.ts'],
    },
  ],
};
