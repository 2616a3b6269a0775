/** The dependency rule of STYLE.md: domain ← application ← infrastructure, interfaces. */
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
      comment: 'infrastructure never imports interfaces, except the composition root',
      severity: 'error',
      from: { path: '^src/infrastructure/', pathNot: '^src/infrastructure/container\\.ts$' },
      to: { path: '^src/interfaces/' },
    },
    {
      name: 'interfaces-not-infrastructure',
      comment: 'interfaces never import infrastructure, except the process entry point',
      severity: 'error',
      from: { path: '^src/interfaces/', pathNot: '^src/interfaces/main\\.ts$' },
      to: { path: '^src/infrastructure/' },
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
