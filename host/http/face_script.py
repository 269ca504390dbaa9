"""The pages' only script (served from ``/static/face.js``, so the CSP needs no inline code).

Clicking a suggested free slot opens the booking dialog with its start filled in; clicking a
1:1 booked here, or one carrying the product's reference that another installation booked,
opens the "Cancel session" dialog for it. The dialogs are ordinary forms
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

  function showCancel(meetingId, at, summary) {
    cancel.querySelector('[name=meeting_id]').value = meetingId;
    cancel.querySelector('[name=at]').value = at;
    cancel.querySelector('.what').textContent = summary;
    cancel.showModal();
  }

  function openCancel(block) {
    var rows = document.querySelectorAll('tr[data-activity-id]');
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].dataset.activityId === block.dataset.activityId) {
        showCancel(rows[i].dataset.meetingId, '', rows[i].dataset.summary);
        return;
      }
    }
    if (block.dataset.reference) {
      // not in this installation's ledger: the server finds it by its reference, that day
      showCancel(block.dataset.reference, block.dataset.start,
        block.dataset.start.slice(0, 16).replace('T', ' ') + ': ' +
        block.dataset.activity + ' (booked by another installation, ref ' +
        block.dataset.reference + ')');
    }
  }

  document.addEventListener('click', function (event) {
    var block = event.target.closest('.block');
    if (!block) { return; }
    if (book && block.dataset.type === 'wfm-free-slot') { openBook(block); }
    else if (cancel && (block.classList.contains('mine') || block.dataset.reference)) {
      openCancel(block);
    }
  });
  document.querySelectorAll('dialog [data-close]').forEach(function (button) {
    button.addEventListener('click', function () { button.closest('dialog').close(); });
  });
})();
"""
