/*
 * CPV picker: turns the plain text box of sectors.widgets.CpvPickerWidget into an ARIA 1.2
 * combobox (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/) that searches
 * GET /api/v1/sectors/cpv/?q=... as the user types, and lists the chosen codes with a
 * "Remove" button each.
 *
 * The original textarea stays in the form, hidden, and always holds the chosen codes
 * ("55520000, 45000000"), so the form posts exactly what it posts without JavaScript and the
 * server validates it the same way. The combobox takes over the textarea's id, so the field's
 * <label for> and the error summary's links point at it without any change to the templates.
 *
 * Vanilla JavaScript, no dependencies; nothing is inserted with innerHTML.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 250;
  var MIN_QUERY_LENGTH = 2;
  var RESULT_LIMIT = 20;
  var CODE_PATTERN = /^\s*(\d{8})(?:\s*-\s*\d)?\s*$/;

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function plural(count, one, many) {
    return count + " " + (count === 1 ? one : many);
  }

  function describe(entry) {
    return entry.code + " " + (entry.label || "(not found in the CPV list)");
  }

  function CpvPicker(root) {
    this.root = root;
    this.textarea = root.querySelector("textarea");
    this.searchUrl = root.getAttribute("data-search-url");
    this.entries = JSON.parse(root.getAttribute("data-entries") || "[]");
    this.results = [];
    this.activeIndex = -1;
    this.timer = null;
    this.request = null;
    this.build();
    this.renderChosen();
    this.bindEvents();
  }

  CpvPicker.prototype.build = function () {
    var id = this.textarea.id || "cpv-picker-" + this.textarea.name;
    this.textarea.id = id + "-value";
    this.textarea.hidden = true;
    this.textarea.required = false; // a hidden required control would block submission silently
    this.input = element("input", {
      type: "text",
      id: id,
      class: "govuk-input cpv-picker__input" + (this.textarea.classList.contains("govuk-textarea--error") ? " govuk-input--error" : ""),
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": id + "-listbox",
      autocomplete: "off",
      spellcheck: "false"
    });
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (this.textarea.hasAttribute(name)) {
        this.input.setAttribute(name, this.textarea.getAttribute(name));
      }
    }, this);
    this.listbox = element("ul", {
      id: id + "-listbox",
      role: "listbox",
      class: "cpv-picker__results",
      "aria-label": "Matching CPV codes"
    });
    this.listbox.hidden = true;
    this.chosenTitle = element("p", { id: id + "-chosen-title", class: "govuk-body cpv-picker__chosen-title" });
    this.chosenTitle.textContent = "Chosen CPV codes";
    this.chosen = element("ul", { class: "cpv-picker__selected", "aria-labelledby": this.chosenTitle.id });
    this.status = element("div", { class: "govuk-visually-hidden", role: "status", "aria-live": "polite" });
    this.optionPrefix = id + "-option-";
    this.swapHints();
    var combobox = element("div", { class: "cpv-picker__combobox" });
    combobox.append(this.input, this.listbox);
    this.textarea.before(combobox, this.chosenTitle, this.chosen, this.status);
  };

  CpvPicker.prototype.swapHints = function () {
    var plain = this.root.querySelector('[data-cpv-picker-hint="plain"]');
    var enhanced = this.root.querySelector('[data-cpv-picker-hint="enhanced"]');
    var entered = this.root.querySelector("[data-cpv-picker-entered]");
    if (plain && enhanced) {
      plain.hidden = true;
      enhanced.hidden = false;
    }
    if (entered) entered.remove(); // replaced by the list of chosen codes
  };

  CpvPicker.prototype.bindEvents = function () {
    var picker = this;
    this.input.addEventListener("input", function () { picker.scheduleSearch(); });
    this.input.addEventListener("keydown", function (event) { picker.onKeyDown(event); });
    this.input.addEventListener("blur", function () { picker.close(); });
    // mousedown would move focus out of the input (and close the list) before the click lands
    this.listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.listbox.addEventListener("click", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option) picker.choose(Number(option.getAttribute("data-index")));
    });
    this.chosen.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-code]");
      if (button) picker.remove(button.getAttribute("data-code"));
    });
  };

  CpvPicker.prototype.onKeyDown = function (event) {
    var open = !this.listbox.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open && this.results.length) this.open();
      if (this.results.length) this.moveActive(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      if (open && this.activeIndex >= 0) {
        event.preventDefault();
        this.choose(this.activeIndex);
      } else if (this.input.value.trim()) {
        event.preventDefault(); // Enter in a half-typed search should not submit the form
        this.addTypedCode();
      }
    } else if (event.key === "Escape") {
      if (open) {
        event.preventDefault();
        this.close();
      } else if (this.input.value) {
        event.preventDefault();
        this.input.value = "";
      }
    }
  };

  CpvPicker.prototype.scheduleSearch = function () {
    var picker = this;
    var query = this.input.value.trim();
    window.clearTimeout(this.timer);
    if (query.length < MIN_QUERY_LENGTH) {
      this.results = [];
      this.close();
      return;
    }
    this.timer = window.setTimeout(function () { picker.search(query); }, DEBOUNCE_MS);
  };

  CpvPicker.prototype.search = function (query) {
    var picker = this;
    if (this.request) this.request.abort();
    this.request = new AbortController();
    var url = new URL(this.searchUrl, window.location.href);
    url.searchParams.set("q", query);
    url.searchParams.set("limit", String(RESULT_LIMIT));
    fetch(url, { headers: { Accept: "application/json" }, signal: this.request.signal })
      .then(function (response) {
        if (!response.ok) throw new Error("CPV search answered " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (picker.input.value.trim() === query) picker.showResults(data.results, data.count, query);
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        picker.close();
        picker.announce("Search is not working at the moment. Type a full 8-digit code and press Enter to add it.");
      });
  };

  CpvPicker.prototype.showResults = function (results, count, query) {
    var picker = this;
    this.results = results;
    this.activeIndex = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.listbox.replaceChildren();
    results.forEach(function (result, index) {
      picker.listbox.append(picker.option(result, index));
    });
    if (results.length) {
      this.open();
    } else {
      this.close();
    }
    this.announce(this.resultsMessage(results.length, count, query));
  };

  CpvPicker.prototype.option = function (result, index) {
    var option = element("li", {
      id: this.optionPrefix + index,
      role: "option",
      "aria-selected": "false",
      "data-index": String(index)
    });
    option.append(element("span", { class: "cpv-picker__code" }, result.code), " " + result.label);
    if (this.has(result.code)) {
      option.append(element("span", { class: "cpv-picker__option-note" }, " (already chosen)"));
    }
    return option;
  };

  CpvPicker.prototype.resultsMessage = function (shown, count, query) {
    if (!count) return "No CPV codes match " + query + ".";
    var found = plural(count, "code matches", "codes match");
    var extra = shown < count ? " The first " + shown + " are listed; type more to narrow them." : "";
    return found + "." + extra + " Use the up and down arrow keys to choose one.";
  };

  CpvPicker.prototype.moveActive = function (step) {
    var count = this.results.length;
    var next = this.activeIndex + step;
    if (next >= count) next = 0;
    if (next < 0) next = count - 1;
    var previous = this.listbox.querySelector('[aria-selected="true"]');
    if (previous) previous.setAttribute("aria-selected", "false");
    var option = document.getElementById(this.optionPrefix + next);
    option.setAttribute("aria-selected", "true");
    option.scrollIntoView({ block: "nearest" });
    this.activeIndex = next;
    this.input.setAttribute("aria-activedescendant", option.id);
  };

  CpvPicker.prototype.open = function () {
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  CpvPicker.prototype.close = function () {
    this.listbox.hidden = true;
    this.activeIndex = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  CpvPicker.prototype.has = function (code) {
    return this.entries.some(function (entry) { return entry.code === code; });
  };

  CpvPicker.prototype.choose = function (index) {
    var result = this.results[index];
    if (!result) return;
    this.add({ code: result.code, label: result.label });
  };

  CpvPicker.prototype.addTypedCode = function () {
    var match = CODE_PATTERN.exec(this.input.value);
    if (!match) {
      this.scheduleSearch();
      return;
    }
    var code = match[1];
    var found = this.results.filter(function (result) { return result.code === code; })[0];
    this.add({ code: code, label: found ? found.label : null });
  };

  CpvPicker.prototype.add = function (entry) {
    this.input.value = "";
    this.results = [];
    this.close();
    if (this.has(entry.code)) {
      this.announce(describe(entry) + " is already chosen.");
      return;
    }
    this.entries.push(entry);
    this.renderChosen();
    this.sync();
    this.announce("Added " + describe(entry) + ". " + plural(this.entries.length, "code", "codes") + " chosen.");
  };

  CpvPicker.prototype.remove = function (code) {
    var index = this.entries.findIndex(function (entry) { return entry.code === code; });
    if (index < 0) return;
    var removed = this.entries.splice(index, 1)[0];
    this.renderChosen();
    this.sync();
    // keep focus near where it was: the next Remove button, else the search box
    var buttons = this.chosen.querySelectorAll("button");
    (buttons[Math.min(index, buttons.length - 1)] || this.input).focus();
    this.announce("Removed " + describe(removed) + ". " + plural(this.entries.length, "code", "codes") + " chosen.");
  };

  CpvPicker.prototype.renderChosen = function () {
    var picker = this;
    this.chosen.replaceChildren();
    this.chosenTitle.hidden = !this.entries.length;
    this.entries.forEach(function (entry) {
      var item = element("li");
      item.append(element("span", { class: "cpv-picker__code" }, entry.code), " ");
      item.append(element("span", {}, entry.label || "not found in the CPV list"), " ");
      var button = element("button", { type: "button", class: "ll-link-button cpv-picker__remove", "data-code": entry.code }, "Remove");
      button.append(element("span", { class: "govuk-visually-hidden" }, " " + describe(entry)));
      item.append(button);
      picker.chosen.append(item);
    });
  };

  CpvPicker.prototype.sync = function () {
    this.textarea.value = this.entries.map(function (entry) { return entry.code; }).join(", ");
    this.textarea.dispatchEvent(new Event("change", { bubbles: true }));
  };

  CpvPicker.prototype.announce = function (message) {
    // clear first so that the same message twice is still read out
    var status = this.status;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  };

  function enhanceAll() {
    if (!("fetch" in window) || !("AbortController" in window)) return; // keep the plain box
    document.querySelectorAll('[data-module="cpv-picker"]').forEach(function (root) {
      if (root.getAttribute("data-enhanced")) return;
      root.setAttribute("data-enhanced", "true");
      new CpvPicker(root);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
