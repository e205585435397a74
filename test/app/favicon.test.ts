import t from 'tap'
import { buildTestApp } from '../helper.ts'

t.test('the favicon answers under its old name and every layout links the SVG', async (t) => {
  const { app } = await buildTestApp(t)
  const ico = await app.inject('/favicon.ico')
  t.equal(ico.statusCode, 200)
  t.match(ico.headers['content-type'], 'image/svg+xml')
  t.match(ico.body, '<svg')
  const svg = await app.inject('/static/favicon.svg')
  t.equal(svg.statusCode, 200)
  const login = await app.inject('/login')
  t.match(login.body, '<link rel="icon" href="/static/favicon.svg"')
})

t.test('htmx is told not to inject its own style sheet (the CSP allows ours only)', async (t) => {
  const { app } = await buildTestApp(t)
  const login = await app.inject('/login')
  t.match(login.body, '"includeIndicatorCSS": false')
  const css = await app.inject('/static/app.css')
  t.match(css.body, '.htmx-request .htmx-indicator')
})
