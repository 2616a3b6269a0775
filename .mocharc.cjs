/** Test files are TypeScript, loaded through tsx; the type-check is `npm run lint`'s job. */
module.exports = {
  extension: ['ts'],
  require: ['tsx/cjs', './test/support/setup.ts'],
  timeout: 20000,
  slow: 2000,
  reporter: 'spec',
  // A stray .only would silently run a fraction of the suite in CI.
  forbidOnly: process.env.CI === 'true',
};
