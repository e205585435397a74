// Tenfold's small progressive enhancements. Everything works without this file.
;(() => {
  // Copy-to-clipboard buttons: <button data-copy="#selector">.
  document.addEventListener('click', (e) => {
    var btn = e.target.closest?.('[data-copy]')
    if (!btn) return
    var src = document.querySelector(btn.getAttribute('data-copy'))
    if (!src || !navigator.clipboard) return
    navigator.clipboard.writeText(src.innerText).then(() => {
      var old = btn.textContent
      btn.textContent = 'Copied'
      setTimeout(() => {
        btn.textContent = old
      }, 1500)
    })
  })
  // Matrix cells are plain links (a page of the matrix holds ~2,000 of them, so
  // none carries htmx attributes of its own): a click asks for the cell's
  // detail with htmx, aimed by the table body's inherited hx-target. A click
  // with a modifier key, or no htmx, opens the cell's own page.
  document.addEventListener(
    'click',
    (e) => {
      var a = e.target.closest?.('.matrix tbody.cells a[href]')
      if (!a || !window.htmx || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
      e.preventDefault()
      e.stopPropagation()
      window.htmx.ajax('GET', a.href, { source: a })
    },
    true,
  )
  // Confirm destructive buttons (<button data-confirm="text">), and a form being
  // sent cannot be sent again until its answer arrives: its button says
  // "Saving…". (The server's one-time form key stops duplicates anyway; this is
  // what the person sees.) Capture phase: runs before htmx's own listener.
  var BUSY_MS = 15000
  function release(form) {
    if (!form?.hasAttribute('data-busy')) return
    form.removeAttribute('data-busy')
    form.removeAttribute('aria-busy')
    form.querySelectorAll('[data-saving-label]').forEach((b) => {
      b.textContent = b.getAttribute('data-saving-label')
      b.removeAttribute('data-saving-label')
      b.removeAttribute('aria-disabled')
    })
  }
  document.addEventListener(
    'submit',
    (e) => {
      var form = e.target
      var btn = e.submitter
      var msg = btn?.getAttribute('data-confirm') || form.getAttribute('data-confirm')
      if (msg && !window.confirm(msg)) {
        e.preventDefault()
        return
      }
      if ((form.getAttribute('method') || 'get').toLowerCase() !== 'post') return
      if (form.hasAttribute('data-busy')) {
        e.preventDefault()
        e.stopImmediatePropagation()
        return
      }
      // A boosted form that carries a one-time key goes as a plain POST (htmx's own
      // listener on the form never sees it): then Back brings the form back as it
      // was sent, key included, and Save again opens what the first Save made.
      // htmx's history restore would reload it blank with a new key instead.
      var keyInput = form.querySelector('input[name="_form_key"]')
      if (keyInput && !form.matches('[hx-post],[hx-put],[hx-patch],[hx-delete]')) {
        e.stopImmediatePropagation()
        // Remembered for Back: browsers do not always restore hidden fields.
        try {
          sessionStorage.setItem(keyName(form), keyInput.value)
        } catch {}
      }
      form.setAttribute('data-busy', '')
      form.setAttribute('aria-busy', 'true')
      if (btn && btn.tagName === 'BUTTON' && !btn.hasAttribute('data-saving-label')) {
        btn.setAttribute('data-saving-label', btn.textContent)
        btn.setAttribute('aria-disabled', 'true')
        btn.textContent = 'Saving…'
      }
      setTimeout(() => release(form), BUSY_MS)
    },
    true,
  )
  document.addEventListener('htmx:after:request', (e) => {
    var el = e.target
    release(el?.closest ? el.closest('form') : null)
  })
  // Back to a page kept in the browser's memory: its forms are not busy any more.
  function keyName(form) {
    return 'tf-form-key ' + location.pathname + ' ' + form.getAttribute('action')
  }
  window.addEventListener('pageshow', (e) => {
    document.querySelectorAll('form[data-busy]').forEach(release)
    // Back to a form already sent: send it with the key it was sent with, so the
    // server answers with what the first Save made instead of a second copy.
    var nav = performance.getEntriesByType('navigation')[0]
    if (!e.persisted && nav?.type !== 'back_forward') return
    document.querySelectorAll('form input[name="_form_key"]').forEach((input) => {
      try {
        const kept = sessionStorage.getItem(keyName(input.form))
        if (kept) input.value = kept
      } catch {}
    })
  })
  // Print buttons.
  document.addEventListener('click', (e) => {
    if (e.target.closest?.('[data-print]')) window.print()
  })
  // Logged out (the login page after "Log out", or a session that ended): the meeting
  // page's copy kept for offline use holds names, so it goes, with its service worker.
  if (document.body?.hasAttribute('data-logged-out')) {
    if (window.caches)
      caches.keys().then((keys) => {
        for (const k of keys) if (k.startsWith('tenfold-meeting')) void caches.delete(k)
      })
    navigator.serviceWorker?.getRegistrations().then((regs) => {
      regs.forEach((r) => {
        if ((r.active || r.waiting || r.installing)?.scriptURL.endsWith('/meeting-sw.js')) r.unregister()
      })
    })
  }
})()

// ---- Board drag and drop, and focus after a move (drives feature) --------
// Dragging a card to another column fills in that card's own "Move to…" form
// and submits it, so a drop goes through exactly the path the keyboard and
// no-JS forms use (warnings, a reason when needed, the version check). A card
// drags by its body or its title (a click on the title still opens the drive);
// each column's list fills the column, so a drop anywhere below a column's
// heading lands there, an empty column included.
// After a move the board comes back with the card first in its new column
// (data-moved): the focus goes back to it. When a reason is needed, the move
// page's reason field gets the focus.
// SortableJS is loaded only on pages with a board.
;(() => {
  function focusAfterMove() {
    var reason = document.querySelector('#move-reason[aria-invalid="true"]:not([data-focused])')
    if (reason) {
      reason.setAttribute('data-focused', '1')
      reason.focus()
      return
    }
    var board = document.querySelector('#board[data-moved]')
    if (!board || board.getAttribute('data-focused')) return
    board.setAttribute('data-focused', '1')
    var card = document.getElementById('drive-' + board.getAttribute('data-moved'))
    var title = card?.querySelector('.card-title')
    if (!title) return
    title.focus({ preventScroll: true })
    card.scrollIntoView({ block: 'nearest', inline: 'nearest' })
  }
  function setup() {
    focusAfterMove()
    var board = document.querySelector('[data-sortable-board]')
    if (!board || board.getAttribute('data-sortable-ready')) return
    if (!window.Sortable) {
      if (document.getElementById('sortable-js')) return
      const s = document.createElement('script')
      s.id = 'sortable-js'
      s.src = board.getAttribute('data-sortable-src') || '/static/vendor/sortable.min.js'
      s.onload = setup
      document.head.appendChild(s)
      return
    }
    board.setAttribute('data-sortable-ready', '1')
    board.querySelectorAll('.column-cards').forEach((list) => {
      window.Sortable.create(list, {
        group: 'board',
        draggable: '.drive-card',
        filter: 'select, button, input, .load-more',
        preventOnFilter: false,
        emptyInsertThreshold: 24,
        animation: 120,
        // While a card is dragged, the columns it may go to say so (outlined, with a
        // "drop here" line in an empty one); the others are dimmed.
        onStart: (evt) => {
          var select = evt.item.querySelector('form.card-move select[name="to"]')
          var allowed = new Set(select ? Array.prototype.map.call(select.options, (o) => o.value) : [])
          var own = evt.from.closest('[data-column]')
          board.querySelectorAll('[data-column]').forEach((col) => {
            if (col !== own) col.setAttribute('data-drop', allowed.has(col.getAttribute('data-column')) ? 'ok' : 'no')
          })
          board.setAttribute('data-dragging', '')
        },
        onEnd: (evt) => {
          board.removeAttribute('data-dragging')
          board.querySelectorAll('[data-drop]').forEach((col) => {
            col.removeAttribute('data-drop')
          })
          if (evt.from === evt.to) return
          var column = evt.to.closest('[data-column]')
          var form = evt.item.querySelector('form.card-move')
          var select = form?.querySelector('select[name="to"]')
          var target = column?.getAttribute('data-column')
          var ok = select && Array.prototype.some.call(select.options, (o) => o.value === target)
          if (!ok) {
            evt.from.insertBefore(evt.item, evt.from.children[evt.oldIndex] || null)
            return
          }
          select.value = target
          if (form.requestSubmit) form.requestSubmit()
          else form.submit()
        },
      })
    })
  }
  document.addEventListener('DOMContentLoaded', setup)
  document.addEventListener('htmx:after:swap', setup)
  document.addEventListener('htmx:after:process', setup)
})()
