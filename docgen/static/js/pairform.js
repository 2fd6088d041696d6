// The pair form: the mentor list and the mentees follow the chosen form of mentoring, showing
// only the people whose category the form allows. The server checks the same rule on submit.
(function () {
  "use strict";
  var form = document.getElementById("f-form_code");
  var mentor = document.getElementById("f-mentor_id");
  if (!form || !mentor) { return; }

  function allowed(side) {
    var option = form.options[form.selectedIndex];
    var text = option ? option.getAttribute("data-" + side) : null;
    return text ? JSON.parse(text) : null;
  }

  function follow() {
    var mentors = allowed("mentor-categories");
    var mentees = allowed("mentee-categories");
    Array.prototype.forEach.call(mentor.options, function (option) {
      var category = option.getAttribute("data-category");
      option.hidden = Boolean(mentors && category && mentors.indexOf(category) < 0);
    });
    var chosen = mentor.options[mentor.selectedIndex];
    if (chosen && chosen.hidden) { mentor.value = ""; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-mentee]"), function (label) {
      var box = label.querySelector("input");
      var fits = !mentees || mentees.indexOf(label.getAttribute("data-category")) >= 0;
      label.hidden = !fits && !(box && box.checked);
    });
    var note = document.getElementById("f-form_code-note");
    if (note) { note.hidden = !mentors; }
  }

  form.addEventListener("change", follow);
  follow();
})();
