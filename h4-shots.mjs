import { chromium } from 'playwright-core'
import fs from 'node:fs'
const base = 'http://127.0.0.1:3105'
const out = '/tmp/h4-shots'
fs.mkdirSync(out, { recursive: true })
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] })
const csv = ['first_name,last_name,email,union,local,role,can2_user_tags', 'Ana,Uno,ana@example.org,ATU,589,delegado,"nurses"', 'Bo,Dos,bo@example.org,ATU,589,miembro,', 'Cy,Tres,,IBT,999,,', 'Di,Cuatro,di@example.org,SEIU,509,e-board,'].join('\n')
fs.writeFileSync('/tmp/h4-people.csv', csv)
for (const [w, h, tag] of [[1280, 800, 'desk'], [390, 844, 'phone']]) {
  for (const who of ['organizer.boston@example.org', 'volunteer.boston@example.org']) {
    const ctx = await browser.newContext({ viewport: { width: w, height: h } })
    const page = await ctx.newPage()
    const errs = []
    page.on('console', (m) => m.type() === 'error' && errs.push(m.text()))
    await page.goto(base + '/login')
    await page.fill('input[name=email]', who)
    await page.fill('input[name=password]', 'tenfold-demo-2026')
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')])
    const r = who.startsWith('org') ? 'org' : 'vol'
    const shot = async (name) => page.screenshot({ path: `${out}/${tag}-${r}-${name}.png`, fullPage: true })
    await page.goto(base + '/locals?q=' + encodeURIComponent('SEIU 509'))
    await shot('search-seiu509')
    await page.goto(base + '/locals?q=boston')
    await shot('search-boston')
    if (r === 'org') {
      await page.goto(base + '/locals/claim?list=' + encodeURIComponent('SEIU 509, CWA 1400, ATU 589, SEIU 1199, Nowhere 42'))
      await shot('claim-list')
      if (tag === 'desk') {
        await Promise.all([page.waitForNavigation(), page.click('button:has-text("Claim the ticked")')])
        await shot('claimed')
        const link = page.locator('a:has-text("Fill in the basics")').first()
        if (await link.count()) {
          await Promise.all([page.waitForNavigation(), link.click()])
          await shot('quick')
          await page.fill('input[name=state]', 'Massachusetts')
          await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save the basics")')])
          await shot('quick-422')
          await page.fill('input[name=city]', 'Boston')
          await page.fill('input[name=state]', 'MA')
          await page.fill('input[name=members]', '8000')
          await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save the basics")')])
          await shot('quick-saved')
        }
      } else {
        await page.goto(base + '/locals/claimed?ids=1,2,3')
        await shot('claimed')
      }
      await page.goto(base + '/people/import')
      await page.setInputFiles('input[type=file]', '/tmp/h4-people.csv')
      await Promise.all([page.waitForNavigation(), page.click('form[enctype] button[type=submit]')])
      await Promise.all([page.waitForNavigation(), page.click('button:has-text("Check the rows")')])
      await shot('import-check')
    } else {
      await page.goto(base + '/locals/claim')
      await shot('claim-403')
    }
    if (errs.length) console.log(tag, r, 'console errors:', errs.slice(0, 3))
    await ctx.close()
  }
}
await browser.close()
console.log('done')
