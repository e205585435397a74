// Instance settings, /admin/settings (today: whether 2FA is required).
import type { FastifyInstance } from 'fastify'
import { audit } from '../audit/audit.ts'
import { setFlash } from '../shared/flash.ts'
import { formValues, parseForm } from '../shared/validation.ts'
import { readSettings, writeSetting } from './queries.ts'
import { settingsForm } from './schema.ts'

import { adminOnly } from './guard.ts'
import { asValues } from './present.ts'

export default async function adminSettingsRoutes(app: FastifyInstance) {
  const db = app.db
  adminOnly(app)

  // --- instance settings
  app.get('/settings', async function showSettings(_request, reply) {
    const s = await readSettings(db)
    return reply.page('admin/settings', { title: 'Settings', values: asValues(s), errors: {} })
  })

  app.post('/settings', async function saveSettings(request, reply) {
    const form = parseForm(settingsForm, request.body)
    if (!form.ok)
      return reply.page(
        'admin/settings',
        { title: 'Settings', values: formValues(request.body), errors: form.errors },
        { status: 422 },
      )
    const before = await readSettings(db)
    await db.transaction().execute(async (trx) => {
      await writeSetting(trx, 'require_2fa', form.data.require_2fa)
      if (before.require_2fa !== form.data.require_2fa) {
        await audit(trx, request.actor, {
          action: 'update',
          entity: 'setting',
          entityId: 'require_2fa',
          before: { value: before.require_2fa },
          after: { value: form.data.require_2fa },
        })
      }
    })
    setFlash(reply, 'ok', 'Settings saved.')
    return reply.redirect('/admin/settings', 303)
  })
}
