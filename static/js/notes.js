// Fast note entry on a phone (progressive enhancement): without JavaScript the form posts and the
// page comes back (303) with the form ready for the next note. With it, each note is sent in the
// background and the form stays open; a failed send keeps the text so nothing is lost.
(function () {
  'use strict';
  var form = document.querySelector('form[data-fast-notes]');
  if (!form || !window.fetch || !window.FormData) return;
  var status = form.querySelector('[data-fast-notes-status]');
  var list = document.querySelector('[data-fast-notes-list]');
  var empty = document.querySelector('[data-fast-notes-empty]');
  var busy = false;

  function say(message, isError) {
    if (!status) return;
    status.textContent = message;
    status.className = 'fast-notes__status' + (isError ? ' fast-notes__status--error' : ' fast-notes__status--ok');
  }

  function clearForNext() {
    ['body', 'quote', 'locationName'].forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field) field.value = '';
    });
    var consent = form.elements.namedItem('quoteConsent');
    if (consent) consent.checked = false;
    Array.prototype.forEach.call(form.querySelectorAll('input[name="themes"]'), function (box) { box.checked = false; });
    var body = form.elements.namedItem('body');
    if (body) body.focus();
  }

  function addToList(kindLabel, text) {
    if (!list) return;
    if (empty) empty.hidden = true;
    var item = document.createElement('li');
    item.className = 'note-list__new';
    var badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = kindLabel;
    item.appendChild(badge);
    item.appendChild(document.createTextNode(' ' + (text.length > 200 ? text.slice(0, 199) + '…' : text)));
    list.insertBefore(item, list.firstChild);
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (busy) return;
    busy = true;
    var data = new URLSearchParams(new FormData(form));
    var checkedKind = form.querySelector('input[name="kind"]:checked');
    var kindLabel = checkedKind && checkedKind.parentNode ? checkedKind.parentNode.textContent.trim() : '';
    var text = String(data.get('body') || '');
    say(form.getAttribute('data-msg-saving') || '', false);
    fetch(form.action, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: data.toString(),
      credentials: 'same-origin',
    })
      .then(function (response) {
        return response.json().then(function (json) { return { ok: response.ok, json: json }; });
      })
      .then(function (result) {
        if (result.ok) {
          addToList(kindLabel, text);
          clearForNext();
          say(result.json.message || '', false);
          return;
        }
        var messages = [];
        Object.keys(result.json.errors || {}).forEach(function (field) { messages = messages.concat(result.json.errors[field]); });
        say(messages.join(' '), true);
      })
      .catch(function () {
        say(form.getAttribute('data-msg-offline') || '', true);
      })
      .then(function () { busy = false; });
  });
})();
