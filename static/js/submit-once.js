// A second click while a form is on its way would send it twice: an answer, or a cancellation
// whose first request already replaced the link the second one uses. The server copes with
// repeats (idempotency keys); this spares the resident a confusing page. Progressive enhancement.
(function () {
  'use strict';
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'post') return;
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = 'yes';
    // A download leaves the page where it is: the form works again after a few seconds.
    setTimeout(function () {
      delete form.dataset.sending;
    }, 5000);
  });
})();
