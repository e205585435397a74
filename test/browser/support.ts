// Shared set-up for the real-browser tests: Debian's Chromium driven by
// playwright-core, the real app listening on a free port with the demo data,
// axe-core injected for the accessibility check, and screenshots kept under
// artifacts/screenshots/. Without /usr/bin/chromium the tests are skipped with
// a message saying how to enable them — except in CI, where that is a failure.
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import type { Test } from 'tap'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { loadDemo, DEMO_PASSWORD } from '../../src/demo/load.ts'
import { buildTestApp, type TestApp } from '../helper.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SKIP_MESSAGE =
  "browser tests skipped: install Debian's chromium package (apt-get install chromium) to run them"
export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../artifacts/screenshots')
export { DEMO_PASSWORD }

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const
export type ViewportName = keyof typeof VIEWPORTS

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

/**
 * Whether the browser tests can run. Prints the skip message when Chromium is
 * missing; in CI (CI=true) a missing Chromium fails the test file instead.
 */
export function chromiumAvailable(t: Test): boolean {
  if (fs.existsSync(CHROMIUM)) return true
  if (process.env.CI === 'true') {
    t.fail(
      `Chromium is missing at ${CHROMIUM} and CI=true: the browser tests must run in CI (apt-get install chromium)`,
    )
    return false
  }
  process.stderr.write(`\n*** ${SKIP_MESSAGE} ***\n\n`)
  t.comment(SKIP_MESSAGE)
  t.test('browser tests', { skip: SKIP_MESSAGE }, async () => {})
  return false
}

export type Site = TestApp & { base: string; browser: Browser }

/**
 * The real app on 127.0.0.1 with the demo data (or, with `{ demo: false }`, on an empty database the test
 * fills itself), and a browser; both closed at the end.
 */
export async function startSite(t: Test, o: { demo?: boolean; env?: Record<string, string> } = {}): Promise<Site> {
  const test = await buildTestApp(t, o.env)
  if (o.demo !== false) await loadDemo(test.db)
  await test.app.listen({ port: 0, host: '127.0.0.1' })
  const addr = test.app.server.address()
  if (!addr || typeof addr === 'string') throw new Error('no address')
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  t.teardown(() => browser.close())
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  return { ...test, base: `http://127.0.0.1:${addr.port}`, browser }
}

/** A fresh browser context (own cookies) at a viewport; CSP bypassed only so axe can be injected. */
export async function newContext(site: Site, viewport: ViewportName): Promise<BrowserContext> {
  return site.browser.newContext({
    viewport: VIEWPORTS[viewport],
    baseURL: site.base,
    bypassCSP: true,
    acceptDownloads: true,
  })
}

export async function login(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login')
  await page.fill('input[name=email]', email)
  await page.fill('input[name=password]', password)
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.click('button[type=submit]:has-text("Log in")'),
  ])
}

/** A full-page screenshot; `{ fullPage: false }` keeps to the viewport (a full page resizes it, which ends a drag). */
export async function screenshot(
  page: Page,
  viewport: ViewportName,
  name: string,
  o: { fullPage?: boolean } = {},
): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${viewport}-${name}.png`), fullPage: o.fullPage ?? true })
}

const require = createRequire(import.meta.url)
const AXE = fs.readFileSync(path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8')

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

/** Runs axe-core on the page; returns all violations (callers assert on serious/critical). */
export async function axe(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE })
  return page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> }
    }
    const r = await w.axe.run(document, { resultTypes: ['violations'] })
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }))
  })
}

/** Serious and critical violations, one readable line each. */
export function seriousLines(violations: AxeViolation[]): string[] {
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    )
}
