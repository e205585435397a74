// What npm run bench:browser measures in a page, kept apart so a quick test can
// check it on the demo data. Figures come from the browser itself:
// - navigation → largest contentful paint: the last `largest-contentful-paint`
//   entry (PerformanceObserver, buffered), its time from the navigation's start;
// - interaction → next paint: the longest Event Timing entry (`event`, with an
//   interactionId) of the action — what Interaction to Next Paint reports;
// - action → result painted: from the input event's timestamp to the first task
//   after the frame that follows htmx's settle (requestAnimationFrame, then a
//   zero timeout), i.e. the answer on screen;
// - bytes on the wire: the encoded (compressed) bytes of every response the
//   page received meanwhile (DevTools protocol Network.loadingFinished).
import type { CDPSession, Page } from 'playwright-core'

/** Installed before every document of a page (addInitScript): the observers and the htmx settle stamps. */
export const INIT_SCRIPT = `(() => {
  const p = (window.__tfPerf = { lcp: 0, events: [], inputs: [], settled: [] })
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) p.lcp = e.renderTime || e.startTime })
      .observe({ type: 'largest-contentful-paint', buffered: true })
  } catch {}
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) if (e.interactionId) p.events.push({ start: e.startTime, duration: e.duration })
    }).observe({ type: 'event', buffered: true, durationThreshold: 16 })
  } catch {}
  for (const type of ['keydown', 'pointerdown']) document.addEventListener(type, (e) => p.inputs.push(e.timeStamp), true)
  document.addEventListener('htmx:after:settle', () =>
    requestAnimationFrame(() => setTimeout(() => p.settled.push(performance.now()), 0)))
})()`

export type NetworkProfile = { latencyMs: number; downKbit: number; upKbit: number } | null

/** A CDP session on the page that throttles it (CPU rate, network) and counts encoded bytes received. */
export async function instrument(page: Page, opts: { cpuRate: number; network: NetworkProfile }) {
  const cdp: CDPSession = await page.context().newCDPSession(page)
  await cdp.send('Network.enable')
  if (opts.network)
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: opts.network.latencyMs,
      downloadThroughput: (opts.network.downKbit * 1000) / 8,
      uploadThroughput: (opts.network.upKbit * 1000) / 8,
    })
  if (opts.cpuRate > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: opts.cpuRate })
  let bytes = 0
  cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
    bytes += e.encodedDataLength
  })
  return {
    cdp,
    /** Encoded bytes received since the last call. */
    takeBytes: () => {
      const b = bytes
      bytes = 0
      return b
    },
  }
}

export type NavFigures = { lcpMs: number; bytes: number }
export type ActFigures = { inpMs: number; resultMs: number; bytes: number }

const nextFrames = (page: Page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))))

/** Opens `url` and reads its largest contentful paint, once the page has loaded and painted. */
export async function measureNavigation(
  page: Page,
  url: string,
  takeBytes: () => number,
  ready?: string,
): Promise<NavFigures> {
  takeBytes()
  await page.goto(url, { waitUntil: 'load' })
  if (ready) await page.waitForSelector(ready)
  await nextFrames(page)
  const lcpMs = await page.evaluate(() => (window as unknown as { __tfPerf: { lcp: number } }).__tfPerf.lcp)
  return { lcpMs, bytes: takeBytes() }
}

/**
 * Runs `act` (keyboard or pointer input through playwright), waits for htmx to
 * settle `settles` times after it, and reads both figures for that input.
 */
export async function measureInteraction(
  page: Page,
  act: () => Promise<void>,
  takeBytes: () => number,
  opts: { settles?: number; timeoutMs?: number } = {},
): Promise<ActFigures> {
  const mark = await page.evaluate(() => {
    const p = (window as unknown as { __tfPerf: { inputs: number[]; settled: number[] } }).__tfPerf
    return { inputs: p.inputs.length, settled: p.settled.length }
  })
  takeBytes()
  await act()
  const want = mark.settled + (opts.settles ?? 1)
  await page.waitForFunction(
    (n) => (window as unknown as { __tfPerf: { settled: number[] } }).__tfPerf.settled.length >= n,
    want,
    { timeout: opts.timeoutMs ?? 30000 },
  )
  await nextFrames(page)
  const f = await page.evaluate(({ inputs, settled }) => {
    const p = (
      window as unknown as {
        __tfPerf: { inputs: number[]; settled: number[]; events: { start: number; duration: number }[] }
      }
    ).__tfPerf
    const fresh = p.inputs.slice(inputs)
    // The last input of the action is the one that asks (Enter, the last key typed, the click).
    const t0 = fresh.length ? fresh[fresh.length - 1]! : 0
    const first = fresh.length ? fresh[0]! : 0
    const inp = p.events.filter((e) => e.start >= first - 1).reduce((m, e) => Math.max(m, e.duration), 0)
    return { inpMs: inp, resultMs: p.settled[p.settled.length - 1]! - t0, settledAt: settled }
  }, mark)
  return { inpMs: f.inpMs, resultMs: f.resultMs, bytes: takeBytes() }
}

export function summarise(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b)
  return { median: s.length ? s[Math.floor((s.length - 1) / 2)]! : 0, worst: s.length ? s[s.length - 1]! : 0 }
}
