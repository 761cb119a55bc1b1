// Progressive: every form works without this script (post, then redirect).
// With it, a move is posted as JSON and only the walk is redrawn, and a
// refused move is shown in place.
"use strict";

async function redraw() {
  const res = await fetch(location.pathname, { headers: { Accept: "text/html" }, cache: "no-store" });
  if (!res.ok) { showError("the walk is gone (" + res.status + "): start a new one"); return; }
  const doc = new DOMParser().parseFromString(await res.text(), "text/html");
  document.title = doc.title;
  document.getElementById("app").replaceWith(doc.getElementById("app"));
  const value = document.getElementById("value");
  if (value) value.focus({ preventScroll: true });
  centre();
}

// centre scrolls the diagram, not the page, to the current state.
function centre() {
  const box = document.querySelector(".diagram");
  const node = document.querySelector("g.node.current");
  if (!box || !node) return;
  const b = box.getBoundingClientRect(), n = node.getBoundingClientRect();
  box.scrollTop += n.top - b.top - box.clientHeight / 2 + n.height / 2;
  box.scrollLeft += n.left - b.left - box.clientWidth / 2 + n.width / 2;
}

document.addEventListener("DOMContentLoaded", centre);

// showError says why a move was refused, above the two columns; a stale
// page gets a link to the walk as it is now.
function showError(text, stale) {
  const el = document.getElementById("error");
  el.textContent = text + " ";
  if (stale) {
    const a = document.createElement("a");
    a.id = "reload";
    a.href = location.pathname;
    a.textContent = "Show the walk as it is now.";
    el.append(a);
  }
  el.hidden = false;
}

function clearError() {
  const el = document.getElementById("error");
  el.textContent = "";
  el.hidden = true;
}

document.addEventListener("submit", async (ev) => {
  const form = ev.target;
  if (!form.hasAttribute("data-api")) return;
  ev.preventDefault();
  const body = {};
  for (const [k, v] of new FormData(form, ev.submitter)) {
    body[k] = (k === "step" || k === "to") ? Number(v) : v;
  }
  // getAttribute: a button named "action" shadows form.action.
  clearError();
  const res = await fetch(form.getAttribute("action"), {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    const e = await res.json().catch(() => ({ error: res.statusText }));
    showError(res.status + ": " + e.error + ".", e.stale);
    return;
  }
  await redraw();
});

document.addEventListener("click", (ev) => {
  const node = ev.target.closest && ev.target.closest("g.node[data-docs], g.edge[data-docs]");
  if (node) window.open(node.getAttribute("data-docs"), "_blank");
});
