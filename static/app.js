// Rapport: small behaviours that plain HTML and htmx do not give us.
document.addEventListener("htmx:responseError", (event) => {
  // htmx drops error responses; tell the user rather than fail silently.
  const flashes = document.getElementById("flashes");
  if (!flashes) return;
  const alert = document.createElement("div");
  alert.className = "alert alert-danger";
  alert.setAttribute("role", "alert");
  alert.textContent = "That did not work (" + event.detail.xhr.status + "). Reload the page and try again.";
  flashes.replaceChildren(alert);
});

// After a form comes back with errors, put the keyboard on the first field that needs attention.
function focusFirstInvalid(root) {
  const invalid = root.querySelector(".is-invalid");
  if (invalid) invalid.focus();
}
document.addEventListener("DOMContentLoaded", () => focusFirstInvalid(document));
document.addEventListener("htmx:afterSwap", (event) => focusFirstInvalid(event.detail.target));

// Copy buttons: <button data-copy="#selector" data-copy-status="#live-region"> copies the value
// (or text) of its target and says so; if the browser refuses, it selects the text instead.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const target = document.querySelector(button.dataset.copy);
  if (!target) return;
  const text = "value" in target ? target.value : target.textContent.trim();
  const status = button.dataset.copyStatus && document.querySelector(button.dataset.copyStatus);
  const label = button.dataset.copyLabel || button.textContent;
  button.dataset.copyLabel = label;
  let said;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
    said = "Copied to the clipboard.";
  } catch (error) {
    if (target.select) target.select();
    button.textContent = "Press Ctrl+C";
    said = "Selected: press Ctrl+C to copy.";
  }
  if (status) status.textContent = said;
  setTimeout(() => { button.textContent = label; }, 2000);
});

// actions page
// Ticking actions: the bulk buttons say how many are selected and wait until one is.
function refreshBulkBar(form) {
  if (!form) return;
  const boxes = document.querySelectorAll(`input[name="ids"][form="${form.id}"]`);
  const ticked = [...boxes].filter((box) => box.checked).length;
  const label = form.querySelector("[data-selected-count]");
  if (label) label.textContent = ticked ? `${ticked} selected` : "Select actions to close several at once.";
  form.querySelectorAll("[data-bulk-button]").forEach((button) => { button.disabled = ticked === 0; });
  const all = document.querySelector(`[data-select-all="${form.id}"]`);
  if (all) {
    all.checked = ticked > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
}
document.addEventListener("change", (event) => {
  const box = event.target;
  if (box.matches("[data-select-all]")) {
    const form = document.getElementById(box.dataset.selectAll);
    document.querySelectorAll(`input[name="ids"][form="${box.dataset.selectAll}"]`)
      .forEach((item) => { item.checked = box.checked; });
    refreshBulkBar(form);
  } else if (box.matches('input[name="ids"][form]')) {
    refreshBulkBar(document.getElementById(box.getAttribute("form")));
  }
});
document.addEventListener("htmx:load", () => refreshBulkBar(document.getElementById("bulk-actions")));
// After closing actions the row is gone: put the keyboard on the message that says what happened.
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.requestConfig && event.detail.requestConfig.verb !== "post") return;
  // An outerHTML swap replaces the target: look in its successor (same id) instead.
  const target = event.detail.target;
  const root = target.isConnected ? target : document.getElementById(target.id) || document;
  const message = root.querySelector("[data-swap-focus]");
  if (message) message.focus();
});

// A session that ended meanwhile answers htmx (a poll, say) with the sign-in page: go there
// whole rather than swap it into a section.
document.addEventListener("htmx:beforeSwap", (event) => {
  const answered = event.detail.xhr.responseURL;
  if (answered && new URL(answered).pathname === "/sign-in") {
    event.detail.shouldSwap = false;
    window.location.reload();
  }
});

// contact page: the Conversation section
function within(root, selector) {
  if (!root.querySelectorAll) return [];
  return root.matches(selector) ? [root] : [...root.querySelectorAll(selector)];
}
let keptFromBottom = 0; // how far above the bottom a reader had scrolled the polled list
document.addEventListener("htmx:beforeSwap", (event) => {
  // A section that answers a refused or failed send with itself and the reason (a 502 from
  // Twilio, say) marks its answer X-Rapport-Section: swap it, like a 422.
  const xhr = event.detail.xhr;
  if (xhr.status >= 400 && xhr.getResponseHeader("X-Rapport-Section")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
  const list = event.detail.target;
  if (list.id === "conversation-messages") {
    keptFromBottom = list.scrollHeight - list.scrollTop - list.clientHeight;
  }
});
document.addEventListener("htmx:load", (event) => {
  // The latest message in view, unless the reader had scrolled up to older ones.
  within(event.detail.elt, ".conversation-messages").forEach((list) => {
    list.scrollTop = list.scrollHeight - list.clientHeight - (keptFromBottom > 40 ? keptFromBottom : 0);
    keptFromBottom = 0;
  });
  within(event.detail.elt, "[data-composer-text]").forEach(countCharacters);
});

// The composer's counter: characters, and for SMS the segments Twilio bills. GSM-7 fits 160
// characters in one segment (153 each when split; ^{}\[~]|€ take two); any other character
// makes the message Unicode (UCS-2): 70 in one segment, 67 each when split.
const GSM7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡" +
  "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENDED = "^{}\\[~]|€\f";
function smsSegments(text) {
  let septets = 0;
  for (const character of text) {
    if (GSM7.includes(character)) septets += 1;
    else if (GSM7_EXTENDED.includes(character)) septets += 2;
    else return { unicode: true, segments: text.length <= 70 ? 1 : Math.ceil(text.length / 67) };
  }
  return { unicode: false, segments: septets === 0 ? 0 : septets <= 160 ? 1 : Math.ceil(septets / 153) };
}
const spoken = new WeakMap();
function countCharacters(textarea, speak = false) {
  const form = textarea.form;
  const counter = form && form.querySelector("[data-composer-count]");
  if (!counter) return;
  const channel = form.querySelector('input[name="message-channel"]:checked');
  const limit = Number(channel ? channel.dataset.limit : 1600);
  const length = [...textarea.value].length;
  let text = `${length} of ${limit} characters`;
  if (channel && channel.value === "sms" && length) {
    const sms = smsSegments(textarea.value);
    text += ` · ${sms.segments} SMS segment${sms.segments === 1 ? "" : "s"}`;
    if (sms.unicode) text += " (special characters: 70 per segment)";
  }
  counter.textContent = text;
  counter.classList.toggle("is-over", length > limit);
  // Screen readers hear the count once typing pauses, not at every key.
  const live = form.querySelector("[data-composer-count-live]");
  clearTimeout(spoken.get(textarea));
  if (live && speak) spoken.set(textarea, setTimeout(() => { live.textContent = text; }, 1200));
}
document.addEventListener("input", (event) => {
  if (event.target.matches("[data-composer-text]")) countCharacters(event.target, true);
});
document.addEventListener("change", (event) => {
  if (event.target.matches('input[name="message-channel"]')) {
    const textarea = event.target.form.querySelector("[data-composer-text]");
    if (textarea) countCharacters(textarea, true);
  }
});
// Ctrl+Enter (⌘+Enter) sends.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.matches("[data-composer-text]")) {
    event.preventDefault();
    event.target.form.requestSubmit();
  }
});
// Opened from the queue ("Send WhatsApp": /contacts/<id>?compose_for=...#conversation), the
// composer should take the keyboard; browsers skip autofocus when the URL has a #fragment.
window.addEventListener("load", () => {
  const box = document.querySelector("[data-composer-text][autofocus]");
  if (box && (document.activeElement === document.body || !document.activeElement)) box.focus();
});

// client page: a Print / PDF button prints the page (print CSS lays it out). As a link to the
// print layout (?print=1) it still works without JavaScript.
document.addEventListener("click", (event) => {
  const trigger = event.target.closest("[data-print]");
  if (!trigger) return;
  event.preventDefault();
  window.print();
});

// --- Behaviours set by data- attributes. The Content-Security-Policy runs only our script
// files: no inline <script>, no on*= attributes, no eval, so no htmx hx-on or [filters]. ---

// <form data-confirm="Archive this contact?">: asks first, and sends nothing unless confirmed.
// A submit button's own data-confirm wins. Capturing, so it asks before htmx sends a form.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = (event.submitter && event.submitter.dataset.confirm) || form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);

// <input readonly data-select-on-focus>: a secret or link is selected whole, ready to copy.
document.addEventListener("focusin", (event) => {
  if (event.target.matches && event.target.matches("[data-select-on-focus]")) event.target.select();
});

// <button data-placeholder="{first_name}" data-insert-into="#body">: types the placeholder
// into the message at the cursor (replacing any selection).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-insert-into]");
  const box = button && document.querySelector(button.dataset.insertInto);
  if (!box) return;
  box.setRangeText(button.dataset.placeholder, box.selectionStart, box.selectionEnd, "end");
  box.focus();
});

// Filter forms, for requests from the form or a field in it:
//   data-omit-empty="q owner page"   leaves those out of the URL when empty;
//   data-omit-default="sort=name"    leaves a filter out when it has its default value;
//   data-busy="#results"             marks the results aria-busy while a request runs;
//   data-change-ignores="q"          a change in those fields does not send the form (the
//                                    search box sends itself as you type).
function filterFormOf(event, attribute) {
  return event.target.closest ? event.target.closest(`[${attribute}]`) : null;
}
function spaced(text) {
  return (text || "").split(/\s+/).filter(Boolean);
}
document.addEventListener("htmx:configRequest", (event) => {
  const form = filterFormOf(event, "data-omit-empty") || filterFormOf(event, "data-omit-default");
  if (!form) return;
  const parameters = event.detail.parameters;
  spaced(form.dataset.omitEmpty).forEach((name) => {
    if (!parameters[name]) delete parameters[name];
  });
  spaced(form.dataset.omitDefault).forEach((pair) => {
    const [name, value] = pair.split("=");
    if (parameters[name] === value) delete parameters[name];
  });
});
function markBusy(event, busy) {
  const form = filterFormOf(event, "data-busy");
  const region = form && document.querySelector(form.dataset.busy);
  if (!region) return;
  if (busy) region.setAttribute("aria-busy", "true");
  else region.removeAttribute("aria-busy");
}
document.addEventListener("htmx:beforeRequest", (event) => markBusy(event, true));
document.addEventListener("htmx:afterRequest", (event) => markBusy(event, false));

// Requests that should not go (what htmx trigger filters would say, without eval):
//   <select data-skip-empty>          choosing the empty "Start from…" option asks nothing;
//   <div data-poll-while-visible>     polls only while the tab is in view;
//   <form data-change-ignores="q">    see the filter forms above.
document.addEventListener("htmx:confirm", (event) => {
  const { elt, triggeringEvent } = event.detail;
  const changed = triggeringEvent && triggeringEvent.type === "change" ? triggeringEvent.target : null;
  if (
    (elt.matches("[data-skip-empty]") && elt.value === "") ||
    (elt.matches("[data-poll-while-visible]") && document.visibilityState !== "visible") ||
    (changed && changed !== elt && spaced(elt.dataset.changeIgnores).includes(changed.name))
  ) {
    event.preventDefault();
  }
});

// A new life event follows its type's defaults (recurs every year, lead time) until the person
// ticks the box themself: <form data-type-defaults data-type-field="event_type"
// data-recurs-field="recurs_annually" data-lead-field="auto_action_days_before">, the type's
// <option data-recurs="true" data-days-before="14">.
document.addEventListener("change", (event) => {
  const form = event.target.form;
  if (!form || !form.matches("[data-type-defaults]")) return;
  const fields = form.elements;
  const { typeField, recursField, leadField } = form.dataset;
  if (event.target === fields[recursField]) form.dataset.recursTouched = "1";
  if (event.target === fields[typeField]) {
    const type = event.target.selectedOptions[0].dataset;
    if (!form.dataset.recursTouched) fields[recursField].checked = type.recurs === "true";
    fields[leadField].placeholder = type.daysBefore;
  }
});

// <form data-busy-on-submit>: an upload or a long preview shows its button's spinner and
// cannot be sent twice while the server works.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || !form.matches("[data-busy-on-submit]")) return;
  form.classList.add("is-busy");
  form.setAttribute("aria-busy", "true");
  const button = event.submitter;
  if (button) {
    // A disabled button's name=value is not sent: carry it in a hidden field instead.
    if (button.name) {
      const carried = document.createElement("input");
      carried.type = "hidden";
      carried.name = button.name;
      carried.value = button.value;
      form.appendChild(carried);
    }
    button.classList.add("is-busy");
    window.setTimeout(() => { button.disabled = true; }, 0);
  }
});

// <div data-take-focus> swapped in out of band (the message after "Not a duplicate"): the
// keyboard goes there, since the button that was pressed has just left the page.
document.addEventListener("htmx:load", (event) => {
  const added = event.target;
  if (added && added.matches && added.matches("[data-take-focus]")) added.focus();
});

// Comboboxes (the Company filter, templates/_macros.html): a [data-combobox] holds a hidden
// [data-combobox-value] (the id sent) and a text [data-combobox-input] that fetches suggestions
// with htmx into its [role=listbox]. The arrow keys move through them, Enter or a click picks one
// (its id into the hidden field, then a change event that sends the filter form), Escape closes
// the list. Typing clears the picked id: the server then reads the text itself.
function comboboxOf(element) {
  const box = element && element.closest ? element.closest("[data-combobox]") : null;
  if (!box) return null;
  return {
    input: box.querySelector("[data-combobox-input]"),
    value: box.querySelector("[data-combobox-value]"),
    list: box.querySelector('[role="listbox"]'),
    status: box.querySelector("[data-combobox-status]"),
  };
}
function comboboxOptions(combo) {
  return [...combo.list.querySelectorAll('[role="option"]')];
}
function showCombobox(combo, open) {
  combo.list.hidden = !open;
  combo.input.setAttribute("aria-expanded", open ? "true" : "false");
  if (!open) highlightOption(combo, null);
}
function highlightOption(combo, chosen) {
  comboboxOptions(combo).forEach((option) => option.setAttribute("aria-selected", option === chosen ? "true" : "false"));
  if (chosen) {
    combo.input.setAttribute("aria-activedescendant", chosen.id);
    chosen.scrollIntoView({ block: "nearest" });
  } else {
    combo.input.removeAttribute("aria-activedescendant");
  }
}
function pickOption(combo, option) {
  combo.input.dataset.typing = "false";
  combo.input.value = option.dataset.label;
  combo.value.value = option.dataset.value;
  showCombobox(combo, false);
  combo.input.dispatchEvent(new Event("change", { bubbles: true }));
}
document.addEventListener("htmx:afterSwap", (event) => {
  const list = event.detail.target;
  if (!list.matches || !list.matches("[data-combobox] [role=listbox]")) return;
  const combo = comboboxOf(list);
  const options = comboboxOptions(combo);
  options.forEach((option, n) => { option.id = `${list.id}-${n}`; });
  const typing = combo.input.dataset.typing === "true" && document.activeElement === combo.input;
  showCombobox(combo, typing && list.children.length > 0);
  const found = options.length === 1 ? "1 company found." : `${options.length} companies found.`;
  if (combo.status) combo.status.textContent = combo.input.value.trim() ? found : "";
});
document.addEventListener("input", (event) => {
  if (!event.target.matches || !event.target.matches("[data-combobox-input]")) return;
  const combo = comboboxOf(event.target);
  const had = combo.value.value;
  combo.value.value = "";
  combo.input.dataset.typing = "true";
  if (!combo.input.value.trim()) {
    combo.list.replaceChildren();
    showCombobox(combo, false);
    if (had) combo.input.dispatchEvent(new Event("change", { bubbles: true })); // any company again
  }
});
document.addEventListener("keydown", (event) => {
  if (!event.target.matches || !event.target.matches("[data-combobox-input]")) return;
  const combo = comboboxOf(event.target);
  const options = comboboxOptions(combo);
  const current = options.findIndex((option) => option.getAttribute("aria-selected") === "true");
  if ((event.key === "ArrowDown" || event.key === "ArrowUp") && options.length) {
    event.preventDefault();
    showCombobox(combo, true);
    const step = event.key === "ArrowDown" ? 1 : -1;
    const next = current < 0 ? (step > 0 ? 0 : options.length - 1) : (current + step + options.length) % options.length;
    highlightOption(combo, options[next]);
  } else if (event.key === "Enter" && !combo.list.hidden && current >= 0) {
    event.preventDefault();
    pickOption(combo, options[current]);
  } else if (event.key === "Enter") { // the form sends the text itself: no list to come after it
    combo.input.dataset.typing = "false";
    showCombobox(combo, false);
  } else if (event.key === "Escape" && !combo.list.hidden) {
    event.preventDefault();
    showCombobox(combo, false);
  }
});
// A press on an option keeps the keyboard in the field; the click then picks it.
document.addEventListener("mousedown", (event) => {
  if (event.target.closest && event.target.closest("[data-combobox] [role=option]")) event.preventDefault();
});
document.addEventListener("click", (event) => {
  const option = event.target.closest && event.target.closest("[data-combobox] [role=option]");
  if (option) pickOption(comboboxOf(option), option);
});
document.addEventListener("focusout", (event) => {
  if (event.target.matches && event.target.matches("[data-combobox-input]")) showCombobox(comboboxOf(event.target), false);
});
// A form's company field (a row of the contact form) has a name of its own: its suggestions are
// asked for as the Company filter's are, with the text as company_name.
document.addEventListener("htmx:configRequest", (event) => {
  const input = event.detail.elt;
  if (!input.matches || !input.matches("[data-combobox-input]") || input.name === "company_name") return;
  delete event.detail.parameters[input.name];
  event.detail.parameters.company_name = input.value;
});
// A picked company goes in the URL as its id alone: the name is only what the field shows.
document.addEventListener("htmx:configRequest", (event) => {
  const form = event.target.closest ? event.target.closest("form") : null;
  if (!form) return;
  const parameters = event.detail.parameters;
  form.querySelectorAll("[data-combobox]").forEach((box) => {
    const combo = comboboxOf(box);
    if (combo.value.value && parameters[combo.value.name]) delete parameters[combo.input.name];
  });
});
// Filtered results come with the Company filter's feedback (out of band): mark the field as the
// server read it, and put in it the company its text picked, if one.
document.addEventListener("htmx:load", (event) => {
  within(event.detail.elt, "[data-combobox-feedback]").forEach((feedback) => {
    const combo = comboboxOf(document.getElementById(feedback.dataset.comboboxFeedback));
    if (!combo) return;
    const problem = feedback.textContent.trim() !== "";
    combo.input.classList.toggle("is-invalid", problem);
    if (problem) combo.input.setAttribute("aria-invalid", "true");
    else combo.input.removeAttribute("aria-invalid");
    if (feedback.dataset.companyId) {
      combo.value.value = feedback.dataset.companyId;
      combo.input.value = feedback.dataset.companyName;
    }
  });
});
