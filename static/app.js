// Tenfold's small progressive enhancements. Everything works without this file.
(function () {
  // Copy-to-clipboard buttons: <button data-copy="#selector">.
  document.addEventListener('click', function (e) {
    var btn = e.target.closest && e.target.closest('[data-copy]')
    if (!btn) return
    var src = document.querySelector(btn.getAttribute('data-copy'))
    if (!src || !navigator.clipboard) return
    navigator.clipboard.writeText(src.innerText).then(function () {
      var old = btn.textContent
      btn.textContent = 'Copied'
      setTimeout(function () { btn.textContent = old }, 1500)
    })
  })
  // Confirm destructive buttons: <button data-confirm="text">.
  document.addEventListener('submit', function (e) {
    var btn = e.submitter
    var msg = (btn && btn.getAttribute('data-confirm')) || e.target.getAttribute('data-confirm')
    if (msg && !window.confirm(msg)) e.preventDefault()
  }, true)
  // Print buttons.
  document.addEventListener('click', function (e) {
    if (e.target.closest && e.target.closest('[data-print]')) window.print()
  })
})()
