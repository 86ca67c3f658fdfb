/* Drag and drop on the organiser's agenda grid, with the keyboard too. An ES module, no
   framework, no build; loaded only by the agenda editor. Without it, each session's form
   does the same job.

   - Mouse/touch: drag a session to another time or room; drag its lower edge to resize.
   - Keyboard: the session's "Move" button; Enter picks up, arrows move (15 minutes up/down,
     rooms left/right), Shift+up/down change the length, Enter drops, Escape cancels.
   - Every drop POSTs to the server (CSRF token in a header), which checks conflicts and the
     balance gate, saves and audits, and answers with the re-rendered day and conflict list,
     or refuses with the reason. Everything is announced in an ARIA live region. */

const STEP = 15; // minutes per move
const editor = document.getElementById("agenda-grid-editor");

if (editor) {
  init(editor);
}

function init(root) {
  const status = document.getElementById("move-status");
  const help = document.getElementById("move-help");
  const t = root.dataset;
  let picked = null; // {card, grid, start, end, room, original}
  let saving = false;

  if (help) help.hidden = false;
  enhance(root);

  function announce(text) {
    // Clear first, so the same sentence twice is announced twice.
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 30);
  }

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, (_m, key) => (key in values ? values[key] : ""));
  }

  function minutesOf(iso) {
    const m = /T(\d{2}):(\d{2})/.exec(iso);
    return m ? parseInt(m[1], 10) * 60 + parseInt(m[2], 10) : 0;
  }

  function hhmm(total) {
    const h = Math.floor(total / 60);
    const m = total % 60;
    return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m;
  }

  function rooms(grid) {
    return {
      ids: grid.dataset.rooms.split(","),
      names: grid.dataset.roomNames.split("|"),
    };
  }

  function roomName(grid, room) {
    const r = rooms(grid);
    const i = r.ids.indexOf(room);
    return i >= 0 ? r.names[i] : "";
  }

  function describe(p) {
    return fmt(t.msgPosition, {
      time: hhmm(p.start) + "–" + hhmm(p.end),
      room: roomName(p.grid, p.room),
    });
  }

  /* Show a pending position by moving the card's grid classes (column, row, span). */
  function place(p) {
    const grid = p.grid;
    const first = parseInt(grid.dataset.firstMinute, 10);
    const step = parseInt(grid.dataset.step, 10);
    const rows = parseInt(grid.dataset.rows, 10);
    const col = rooms(grid).ids.indexOf(p.room) + 2;
    let row = Math.floor((p.start - first) / step) + 2;
    row = Math.max(2, Math.min(row, rows + 1));
    const span = Math.max(1, Math.round((p.end - p.start) / step));
    const card = p.card;
    card.className = card.className
      .split(" ")
      .filter((c) => !/^(gc-|gr-s-|gr-span-)/.test(c))
      .concat(["gc-" + col, "gr-s-" + row, "gr-span-" + span])
      .join(" ");
  }

  function positionOf(card) {
    const grid = card.closest(".agenda-grid");
    const start = minutesOf(card.dataset.start);
    const end = minutesOf(card.dataset.end);
    return { card, grid, start, end: end > start ? end : start + STEP, room: card.dataset.room };
  }

  function snap(minutes) {
    return Math.round(minutes / STEP) * STEP;
  }

  function clamp(p) {
    const length = Math.max(STEP, p.end - p.start);
    p.start = Math.max(0, Math.min(p.start, 24 * 60 - STEP - length));
    p.end = p.start + length;
    return p;
  }

  function enhance(scope) {
    scope.querySelectorAll(".grid-session[data-session-id]").forEach(addControls);
  }

  function addControls(card) {
    if (card.querySelector(".move-handle")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "move-handle";
    button.textContent = t.labelMove;
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + card.dataset.title;
    button.appendChild(hidden);
    button.setAttribute("aria-describedby", "move-help");
    button.addEventListener("keydown", onKey);
    button.addEventListener("click", (event) => {
      if (event.detail === 0) toggle(card); // activated by assistive technology, not a mouse
    });
    card.querySelector("h3").after(button);
    const grip = document.createElement("div");
    grip.className = "resize-handle";
    grip.setAttribute("aria-hidden", "true");
    card.appendChild(grip);
    card.addEventListener("pointerdown", onPointerDown);
  }

  function pick(card) {
    picked = positionOf(card);
    picked.original = { ...picked };
    card.classList.add("picked");
    announce(fmt(t.msgPicked, { title: card.dataset.title, position: describe(picked) }));
  }

  function cancel() {
    if (!picked) return;
    place(picked.original);
    picked.card.classList.remove("picked");
    picked = null;
    announce(t.msgCancelled);
  }

  function toggle(card) {
    if (picked && picked.card === card) drop();
    else if (!picked) pick(card);
  }

  function onKey(event) {
    const card = event.currentTarget.closest(".grid-session");
    if (!picked) {
      if (event.key === "Enter") {
        event.preventDefault();
        pick(card);
      }
      return;
    }
    if (picked.card !== card) return;
    const ids = rooms(picked.grid).ids;
    const i = ids.indexOf(picked.room);
    switch (event.key) {
      case "ArrowUp":
      case "ArrowDown": {
        const delta = event.key === "ArrowUp" ? -STEP : STEP;
        if (event.shiftKey) {
          picked.end = Math.max(picked.start + STEP, snap(picked.end + delta));
        } else {
          const length = picked.end - picked.start;
          picked.start = snap(picked.start + delta);
          picked.end = picked.start + length;
        }
        break;
      }
      case "ArrowLeft":
        picked.room = ids[Math.max(0, i - 1)];
        break;
      case "ArrowRight":
        picked.room = ids[Math.min(ids.length - 1, i + 1)];
        break;
      case "Enter":
        event.preventDefault();
        drop();
        return;
      case "Escape":
        event.preventDefault();
        cancel();
        return;
      default:
        return;
    }
    event.preventDefault();
    clamp(picked);
    place(picked);
    announce(describe(picked));
  }

  /* Pointer: drag the card (move) or its lower edge (resize). Links and buttons keep clicks. */
  function onPointerDown(event) {
    if (event.button !== 0 || saving || picked) return;
    const card = event.currentTarget;
    const resize = event.target.classList.contains("resize-handle");
    if (!resize && event.target.closest("a, button")) return;
    event.preventDefault();
    const p = positionOf(card);
    p.original = { ...p };
    const grid = p.grid;
    const hour = grid.querySelector(".grid-hour");
    const rowPx = hour ? hour.getBoundingClientRect().height / (60 / STEP) : 10;
    const heads = Array.from(grid.querySelectorAll(".grid-head")).slice(1);
    const y0 = event.clientY;
    let moved = false;
    card.setPointerCapture(event.pointerId);
    card.classList.add("picked");

    function onMove(e) {
      const delta = Math.round((e.clientY - y0) / rowPx) * STEP;
      if (resize) {
        p.end = Math.max(p.original.start + STEP, snap(p.original.end + delta));
      } else {
        const length = p.original.end - p.original.start;
        p.start = snap(p.original.start + delta);
        p.end = p.start + length;
        heads.forEach((head, i) => {
          const r = head.getBoundingClientRect();
          if (e.clientX >= r.left && e.clientX < r.right) p.room = rooms(grid).ids[i];
        });
      }
      clamp(p);
      moved = moved || p.start !== p.original.start || p.end !== p.original.end || p.room !== p.original.room;
      place(p);
    }

    function onUp() {
      card.removeEventListener("pointermove", onMove);
      card.removeEventListener("pointerup", onUp);
      card.removeEventListener("pointercancel", onUp);
      if (moved) {
        picked = p;
        drop();
      } else {
        card.classList.remove("picked");
      }
    }

    card.addEventListener("pointermove", onMove);
    card.addEventListener("pointerup", onUp);
    card.addEventListener("pointercancel", onUp);
  }

  async function drop() {
    if (!picked || saving) return;
    const p = picked;
    picked = null;
    p.card.classList.remove("picked");
    if (p.start === p.original.start && p.end === p.original.end && p.room === p.original.room) {
      announce(t.msgUnchanged);
      return;
    }
    saving = true;
    announce(t.msgSaving);
    const day = p.grid.dataset.day;
    try {
      const response = await fetch(p.card.dataset.moveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": root.dataset.csrf,
        },
        body: JSON.stringify({
          start: day + "T" + hhmm(p.start),
          end: day + "T" + hhmm(p.end),
          room_id: p.room,
          version: p.card.dataset.version,
        }),
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        place(p.original);
        const message = (data.error && data.error.message) || t.msgFailed;
        announce(message);
        showRefusal(message);
        return;
      }
      apply(data);
    } catch (_error) {
      place(p.original);
      announce(t.msgFailed);
      showRefusal(t.msgFailed);
    } finally {
      saving = false;
    }
  }

  function showRefusal(message) {
    const box = document.getElementById("move-refusal");
    if (box) {
      box.textContent = message;
      box.hidden = false;
    }
  }

  function apply(data) {
    const box = document.getElementById("move-refusal");
    if (box) box.hidden = true;
    const section = document.getElementById("editor-day-" + data.day);
    if (section) {
      const wrapper = document.createElement("div");
      wrapper.innerHTML = data.day_html;
      const fresh = wrapper.firstElementChild;
      section.replaceWith(fresh);
      enhance(fresh);
    }
    const conflicts = document.getElementById("conflicts");
    if (conflicts) {
      const wrapper = document.createElement("div");
      wrapper.innerHTML = data.conflicts_html;
      conflicts.replaceWith(wrapper.firstElementChild);
    }
    const card = document.getElementById("grid-session-" + data.session.id);
    const button = card && card.querySelector(".move-handle");
    if (button) button.focus();
    announce(data.message);
  }
}
