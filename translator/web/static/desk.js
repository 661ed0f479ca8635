// The editors' desk in the browser: keyboard navigation and saving in place.
// Without this file every action still works as a plain form POST.
//
// Article page keys: j / k next / previous sentence; Enter edit it; Ctrl+Enter (or Ctrl+S) save;
// Alt+ArrowDown / Alt+ArrowUp next / previous sentence while editing; Escape undo unsaved text
// and leave the text box; r mark reviewed; a alternatives. Sentence page: 1-9 take that alternative.
"use strict";

(() => {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  const rows = () => Array.from(document.querySelectorAll("tr.sentence"));
  const errorBox = () => document.querySelector(".save-error");

  function showError(message) {
    const box = errorBox();
    if (!box) return;
    box.textContent = message;
    box.hidden = !message;
  }

  function current() {
    return document.activeElement?.closest?.("tr.sentence") ?? document.querySelector("tr.sentence.current");
  }

  function select(row, edit) {
    if (!row) return;
    document.querySelectorAll("tr.sentence.current").forEach((r) => r.classList.remove("current"));
    row.classList.add("current");
    row.scrollIntoView({ block: "nearest" });
    if (edit) {
      const box = row.querySelector("textarea");
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    } else {
      row.focus();
    }
  }

  function step(offset, edit) {
    const all = rows();
    const at = all.indexOf(current());
    select(all[Math.min(Math.max(at + offset, 0), all.length - 1)] ?? all[0], edit);
  }

  // After a row changes in place: the header (status, Japanese headline, counters), the Approve
  // button and the "need review" list follow the server's word on the article (X-Article-State).
  function refreshHeader(state) {
    if (!state) return;
    const status = document.getElementById("status");
    if (status) {
      status.className = `status status-${state.status}`;
      status.textContent = state.status_label;
    }
    const headline = document.querySelector(".ja-headline");
    if (headline) {
      headline.textContent = state.ja_headline ?? "";
      headline.hidden = !state.ja_headline;
    }
    const edited = document.querySelector(".edited-count");
    if (edited) edited.textContent = String(state.edited);
    const approve = document.querySelector("button.approve");
    if (approve) {
      const n = state.remaining;
      approve.dataset.remaining = String(n);
      approve.textContent = n ? `Approve the ${n} remaining sentence${n === 1 ? "" : "s"} as ${n === 1 ? "it is" : "they are"}` : "Approve";
      const field = approve.form.elements.accept_remaining;
      if (field) field.value = String(n);
    }
  }

  function refreshApproval() {
    const pending = rows().filter((r) => r.classList.contains("needs-review"));
    const approve = document.querySelector("button.approve");
    if (approve) approve.disabled = pending.length > 0;
    let summary = document.querySelector(".need-review");
    if (!pending.length) { summary?.remove(); return; }
    if (!summary) {
      summary = document.createElement("span");
      summary.className = "need-review";
      document.querySelector("p.summary")?.append(summary);
    }
    const links = pending.flatMap((r, i) => {
      const link = document.createElement("a");
      link.href = `#${r.id}`;
      link.textContent = r.dataset.row;
      return i ? [", ", link] : [link];
    });
    summary.replaceChildren(` · ${pending.length} need review before approval: `, ...links);
  }

  function markUnsaved(box) {
    const flag = box.form.querySelector(".unsaved");
    if (flag) flag.hidden = box.value === box.defaultValue;
  }

  // Post a row's form (or one of its buttons' formaction) and put the server's new row in its place.
  async function post(form, action) {
    const row = form.closest("tr.sentence");
    const editing = document.activeElement === form.elements.text;
    if (!action && !form.elements.text.value.trim()) {
      // The server refuses it too (and says so to a form without script); say it here, at once.
      showError("Not saved: a sentence's Japanese cannot be empty: every English sentence needs its translation.");
      form.elements.text.focus();
      return;
    }
    let response;
    try {
      response = await fetch(action || form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
    } catch (error) {
      showError(`Not saved: ${error.message}`);
      return;
    }
    const text = await response.text();
    if (!response.ok) {
      const page = new DOMParser().parseFromString(text, "text/html");
      showError(`Not saved: ${page.querySelector(".error")?.textContent ?? response.statusText}`);
      return;
    }
    showError("");
    const template = document.createElement("template");
    template.innerHTML = text.trim();
    const fresh = template.content.querySelector("tr.sentence");
    row.replaceWith(fresh);
    // A sentence repeated in the article shares its review: its other rows follow.
    document.querySelectorAll(`tr.sentence[data-hash="${fresh.dataset.hash}"]`).forEach((other) => {
      if (other !== fresh) other.classList.toggle("needs-review", fresh.classList.contains("needs-review"));
    });
    select(fresh, editing);
    const state = response.headers.get("X-Article-State");
    refreshHeader(state ? JSON.parse(state) : null);
    refreshApproval();
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("tr.sentence form.edit")) return;
    event.preventDefault();
    post(form, event.submitter?.getAttribute("formaction"));
  });

  document.addEventListener("input", (event) => {
    if (event.target.matches("tr.sentence textarea")) markUnsaved(event.target);
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.matches?.("tr.sentence textarea")) {
      if ((event.ctrlKey || event.metaKey) && (event.key === "Enter" || event.key === "s")) {
        event.preventDefault();
        post(target.form);
      } else if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
        event.preventDefault();
        step(event.key === "ArrowDown" ? 1 : -1, true);
      } else if (event.key === "Escape") {
        target.value = target.defaultValue;
        markUnsaved(target);
        select(target.closest("tr.sentence"), false);
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || target.matches?.("input, textarea, select, button")) return;
    if (document.querySelector("ol.alternative-list") && /^[1-9]$/.test(event.key)) {
      const take = document.querySelectorAll("li.alternative form.take")[Number(event.key) - 1];
      if (take && !take.querySelector("button").disabled) take.requestSubmit();
      return;
    }
    const row = current();
    if (event.key === "j") step(1, false);
    else if (event.key === "k") step(-1, false);
    else if (event.key === "Enter" && row) { event.preventDefault(); select(row, true); }
    else if (event.key === "r" && row) {
      const review = row.querySelector("button.review");
      if (review) post(review.form, review.getAttribute("formaction"));
    } else if (event.key === "a" && row) window.location.href = row.querySelector("a.alternatives").href;
    else return;
    event.preventDefault();
  });

  // Arriving at #sN (after a save without script, or from a link) selects that sentence.
  const target = location.hash && document.querySelector(`tr.sentence${CSS.escape(location.hash)}`);
  if (target) select(target, false);
})();
