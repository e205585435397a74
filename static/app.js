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
  // Confirm destructive buttons: <button data-confirm="text">.
  document.addEventListener(
    'submit',
    (e) => {
      var btn = e.submitter
      var msg = btn?.getAttribute('data-confirm') || e.target.getAttribute('data-confirm')
      if (msg && !window.confirm(msg)) e.preventDefault()
    },
    true,
  )
  // Print buttons.
  document.addEventListener('click', (e) => {
    if (e.target.closest?.('[data-print]')) window.print()
  })
})()

// ---- Board drag and drop (drives feature) --------------------------------
// Dragging a card to another column fills in that card's own "Move to…" form
// and submits it, so a drop goes through exactly the path the keyboard and
// no-JS forms use (warnings, a reason when needed, the version check).
// SortableJS is loaded only on pages with a board.
;(() => {
  function setup() {
    var board = document.querySelector('[data-sortable-board]')
    if (!board || board.getAttribute('data-sortable-ready')) return
    if (!window.Sortable) {
      if (document.getElementById('sortable-js')) return
      const s = document.createElement('script')
      s.id = 'sortable-js'
      s.src = '/static/vendor/sortable.min.js'
      s.onload = setup
      document.head.appendChild(s)
      return
    }
    board.setAttribute('data-sortable-ready', '1')
    board.querySelectorAll('.column-cards').forEach((list) => {
      window.Sortable.create(list, {
        group: 'board',
        draggable: '.drive-card',
        filter: 'select, button, input, a',
        preventOnFilter: false,
        animation: 120,
        onEnd: (evt) => {
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
