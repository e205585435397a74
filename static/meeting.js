// The meeting page on a phone with a bad connection. Every entry gets a key made
// here and goes into a queue in localStorage first, then is sent; whatever the
// network does, nothing typed is lost, and the server stores each key once, so
// nothing is counted twice. The page says what is saved on the server and what
// is waiting. A service worker (/meeting-sw.js) keeps the page itself, so it
// opens again without a connection. No inline script: the CSP allows 'self' only.
;(() => {
  const root = document.getElementById('meeting')
  if (!root) return
  const drive = root.dataset.drive
  // One queue per person and drive: entries typed by one person are never sent in another's session.
  const QUEUE = `tenfold:meeting:${root.dataset.user || ''}:${drive}`
  const statusEl = document.getElementById('meeting-status')
  const waitingEl = statusEl?.querySelector('.waiting')
  const pendingList = document.getElementById('meeting-pending')
  let sending = false

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/meeting-sw.js', { scope: '/drives/' }).catch(() => {})
  }

  const newKey = () =>
    globalThis.crypto?.randomUUID
      ? crypto.randomUUID()
      : `k${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`

  const read = () => {
    try {
      return JSON.parse(localStorage.getItem(QUEUE) || '[]')
    } catch {
      return []
    }
  }
  const write = (q) => localStorage.setItem(QUEUE, JSON.stringify(q))

  function describe(fields) {
    if (fields.kind === 'attendance')
      return `Attendance: ${fields.present || '?'} present${fields.quorum_met ? ', quorum reached' : ', no quorum'}`
    if (fields.kind === 'amendment') return `Amendment ${fields.amendment_outcome || ''}: ${fields.text || ''}`
    if (fields.choice && fields.choice !== 'counted') {
      const choice = { postponed: 'Postponed', no_quorum: 'No quorum', tabled: 'Tabled' }[fields.choice] || 'Result'
      return `${choice}${fields.next_date ? `, next date ${fields.next_date}` : ''}`
    }
    return `Vote: ${fields.votes_for || 0} for, ${fields.votes_against || 0} against, ${fields.abstain || 0} abstain`
  }

  function render(message) {
    const q = read()
    // Entries the server refused (422) are not waiting: they are listed with the reason, to fix and enter again.
    const waiting = q.filter((e) => !e.error).length
    const refused = q.length - waiting
    if (waitingEl) {
      const how = navigator.onLine ? ', sending…' : ' (no connection: they are kept and sent when it returns)'
      const parts = []
      if (waiting) parts.push(`${waiting} waiting on this phone${how}`)
      if (refused) parts.push(`${refused} not saved (see below)`)
      if (message) parts.push(message)
      waitingEl.hidden = parts.length === 0
      waitingEl.textContent = parts.length ? ` · ${parts.join(' · ')}` : ''
    }
    if (!pendingList) return
    pendingList.replaceChildren()
    pendingList.hidden = q.length === 0
    for (const e of q) {
      const li = document.createElement('li')
      li.dataset.key = e.fields.key
      li.append(`${describe(e.fields)} `)
      const badge = document.createElement('span')
      badge.className = e.error ? 'badge err' : 'badge warn'
      badge.textContent = e.error ? `Not saved: ${e.error}` : 'Waiting to send'
      li.append(badge)
      if (e.error) {
        const remove = document.createElement('button')
        remove.type = 'button'
        remove.className = 'link small'
        remove.textContent = 'Remove'
        remove.addEventListener('click', () => {
          write(read().filter((x) => x.fields.key !== e.fields.key))
          render()
        })
        li.append(' ', remove)
      }
      pendingList.append(li)
    }
  }

  async function flush() {
    if (sending) return
    sending = true
    let changed = false
    try {
      for (const e of read()) {
        if (e.error) continue
        let res
        try {
          res = await fetch(`/drives/${drive}/meeting`, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'x-meeting-sync': '1',
              // This page's token: after logging in again, the one kept with the entry is void.
              'x-csrf-token': pageToken() || e.csrf,
            },
            body: new URLSearchParams(e.fields).toString(),
            credentials: 'same-origin',
          })
        } catch {
          break // still offline: keep everything, try again later
        }
        const text = await res.text()
        const rest = read().filter((x) => x.fields.key !== e.fields.key)
        if (res.status === 201 || res.status === 200 || res.status === 409) {
          write(rest)
          changed = true
        } else if (res.status === 422) {
          write([...rest, { ...e, error: text || 'the entry was refused' }])
        } else {
          render(
            res.status === 401 || res.status === 403
              ? 'log in again to send them'
              : `the server answered ${res.status}`,
          )
          break
        }
      }
    } finally {
      sending = false
    }
    render()
    // Everything is on the server: show the server's own account of it.
    if (changed && read().length === 0) location.reload()
  }

  function pageToken() {
    return document.querySelector('form[data-meeting-form] input[name="_csrf"]')?.value || ''
  }

  // Listened for on window, in the capture phase: before app.js's own submit handling (the
  // one-time form key's plain POST), which would send the form over a dead connection.
  window.addEventListener(
    'submit',
    (ev) => {
      const form = ev.target
      if (!(form instanceof HTMLFormElement) || !form.matches('form[data-meeting-form]')) return
      ev.preventDefault()
      ev.stopImmediatePropagation()
      queue(form, ev.submitter)
    },
    true,
  )

  function queue(form, submitter) {
    const data = new FormData(form)
    if (submitter?.name) data.set(submitter.name, submitter.value)
    const fields = {}
    // The entry's own key stops doubles here; the server's one-time form key is for plain posts.
    for (const [k, val] of data.entries()) if (k !== '_csrf' && k !== '_form_key') fields[k] = String(val)
    fields.key = newKey()
    fields.entered_at = new Date().toISOString()
    if (fields.kind === 'attendance') {
      // The latest attendance this phone knows of, saved or waiting: a second phone's differs and is flagged.
      const mine = read().filter((x) => x.fields.kind === 'attendance')
      fields.base_key = mine.length ? mine[mine.length - 1].fields.key : root.dataset.attendanceKey || ''
    }
    const csrf = data.get('_csrf') || ''
    write([...read(), { fields, csrf }])
    form.reset()
    render()
    void flush()
  }

  // Logging out forgets the kept copy of this page (it holds names); entries not sent yet stay, for this person.
  document.querySelector('form.logout')?.addEventListener('submit', () => {
    navigator.serviceWorker?.controller?.postMessage('tenfold:forget')
  })

  // Hands counted row by row, added up into the tally.
  const helper = document.querySelector('.rows-helper')
  if (helper) {
    helper.hidden = false
    const body = helper.querySelector('tbody')
    const tally = helper.closest('form')
    const sum = () => {
      for (const col of ['votes_for', 'votes_against', 'abstain']) {
        let n = 0
        for (const i of body.querySelectorAll(`input[data-col="${col}"]`)) n += Number(i.value) || 0
        const target = tally.querySelector(`input[name="${col}"]`)
        if (target) target.value = String(n)
      }
    }
    helper.querySelector('.add-row').addEventListener('click', () => {
      const tr = document.createElement('tr')
      const th = document.createElement('th')
      th.scope = 'row'
      th.textContent = String(body.children.length + 1)
      tr.append(th)
      for (const col of ['votes_for', 'votes_against', 'abstain']) {
        const td = document.createElement('td')
        const input = document.createElement('input')
        input.type = 'number'
        input.inputMode = 'numeric'
        input.min = '0'
        input.dataset.col = col
        input.setAttribute('aria-label', `Row ${body.children.length + 1} ${col.replace('votes_', '')}`)
        input.addEventListener('input', sum)
        td.append(input)
        tr.append(td)
      }
      body.append(tr)
      tr.querySelector('input').focus()
    })
  }

  window.addEventListener('online', () => void flush())
  window.addEventListener('offline', () => render())
  setInterval(() => {
    if (read().length && navigator.onLine) void flush()
  }, 5000)
  render()
  void flush()
})()
