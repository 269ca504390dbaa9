"""The pages' only script (served from ``/static/face.js``, so the CSP needs no inline code).

Clicking a suggested free slot opens the booking dialog with its start filled in; clicking a
1:1 booked here opens the "Cancel session" dialog for it. The dialogs are ordinary forms
(with their CSRF token) that the server answers; the script only fills them in.
"""

FACE_JS = r"""// wfm-bridge pages: click a suggested slot to book it, a 1:1 booked here to cancel.
(function () {
  'use strict';
  var book = document.getElementById('book-dialog');
  var cancel = document.getElementById('cancel-dialog');

  function openBook(block) {
    // data-start is ISO 8601 in the viewer's zone: its first 16 characters are the wall time
    book.querySelector('[name=start]').value = block.dataset.start.slice(0, 16);
    book.showModal();
    book.querySelector('[name=description]').focus();
  }

  function openCancel(block) {
    var rows = document.querySelectorAll('tr[data-activity-id]');
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].dataset.activityId === block.dataset.activityId) {
        cancel.querySelector('[name=meeting_id]').value = rows[i].dataset.meetingId;
        cancel.querySelector('.what').textContent = rows[i].dataset.summary;
        cancel.showModal();
        return;
      }
    }
  }

  document.addEventListener('click', function (event) {
    var block = event.target.closest('.block');
    if (!block) { return; }
    if (book && block.dataset.type === 'wfm-free-slot') { openBook(block); }
    else if (cancel && block.classList.contains('mine')) { openCancel(block); }
  });
  document.querySelectorAll('dialog [data-close]').forEach(function (button) {
    button.addEventListener('click', function () { button.closest('dialog').close(); });
  });
})();
"""
