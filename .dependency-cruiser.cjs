// The layering rules `npm run deps` checks (and `npm test` runs). Each rule says
// why; CONTRIBUTING.md ("Rules the checks enforce") says how to live with them.
// TypeScript 7 has no JavaScript compiler API, so the sources are parsed with swc.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-foreign-routes',
      severity: 'error',
      comment:
        'A feature never imports another feature’s routes (routes.ts or *-routes.ts). Share a page piece as a ' +
        'panel (panels.ts), a rule as a pure module, a read as a query (queries.ts).',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/([^/]+)/(routes|[^/]+-routes)\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'core-imports-no-feature',
      severity: 'error',
      comment: 'src/db, src/shared and src/plugins sit under every feature: they import no feature folder.',
      from: { path: '^src/(db|shared|plugins)/' },
      to: { path: '^src/', pathNot: ['^src/(db|shared|plugins)/', '^src/config\\.ts$'] },
    },
    {
      name: 'migrations-stand-alone',
      severity: 'error',
      comment: 'Migrations are frozen once landed: they import nothing from src/, which keeps changing.',
      from: { path: '^migrations/' },
      to: { path: '^src/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'No import cycles: they make load order matter and hide which module owns what.',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    parser: 'swc',
    tsPreCompilationDeps: true,
    moduleSystems: ['es6'],
  },
}
