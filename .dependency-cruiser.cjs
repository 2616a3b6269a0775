/**
 * The dependency rule of STYLE.md: domain ← application ← infrastructure and interfaces ← the composition
 * root (src/*.ts: main, container, service, tokens), the only files that see every layer. No exceptions.
 */
const ROOT = '^src/[^/]+\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports only src/domain: no npm package, no node: module',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/' },
    },
    {
      name: 'application-inward-only',
      comment: 'src/application imports only domain and application',
      severity: 'error',
      from: { path: '^src/application/' },
      to: { pathNot: '^src/(domain|application)/' },
    },
    {
      name: 'infrastructure-not-interfaces',
      comment: 'driven adapters never import driving adapters',
      severity: 'error',
      from: { path: '^src/infrastructure/' },
      to: { path: '^src/interfaces/' },
    },
    {
      name: 'interfaces-not-infrastructure',
      comment: 'driving adapters never import driven adapters',
      severity: 'error',
      from: { path: '^src/interfaces/' },
      to: { path: '^src/infrastructure/' },
    },
    {
      name: 'layers-not-root',
      comment: 'no layer imports the composition root',
      severity: 'error',
      from: { path: '^src/(domain|application|infrastructure|interfaces)/' },
      to: { path: ROOT },
    },
    {
      name: 'src-not-test',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
