// Progressive enhancement for the dinner form: show the repetition details only when the dinner
// repeats, and only those of the chosen kind. Without JavaScript every field stays visible.
(function () {
  var form = document.querySelector('form.dinner-form');
  if (!form) return;
  var radios = form.querySelectorAll('input[name="repeat"]');
  var weekly = form.querySelector('[data-repeat="weekly"]');
  var monthly = form.querySelector('[data-repeat="monthly"]');
  var ending = form.querySelectorAll('[data-repeat="any"]');
  if (radios.length === 0) return;
  function update() {
    var chosen = form.querySelector('input[name="repeat"]:checked');
    var value = chosen ? chosen.value : 'none';
    if (weekly) weekly.hidden = value !== 'weekly';
    if (monthly) monthly.hidden = value !== 'monthly';
    for (var i = 0; i < ending.length; i++) ending[i].hidden = value === 'none';
  }
  for (var i = 0; i < radios.length; i++) radios[i].addEventListener('change', update);
  update();
})();
